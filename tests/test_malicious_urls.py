"""500 generated malicious query strings against a county user's session (AppTest).

Each link mixes known and unknown parameters with injection payloads, other counties'
codes, oversized and malformed values and forged share tokens, and opens one page.
None may raise, show a traceback, or show a row of another county. The generator is
seeded: a failure names its case and reproduces.
"""

from __future__ import annotations

import random
import urllib.parse

import pytest

from tests.scope_check import COUNTY_USER, forbidden_markers, leaks, open_as, shown_text
from xingtu.i18n import TEXTS
from xingtu.viewstate import PARAM_NAMES

FAILED, DENIED = TEXTS["app.page_error"][0], TEXTS["auth.denied"][0]

CASES = 500
BATCHES = 10  # parametrised in batches: a failure points at 50 links, the log at the exact one
PAGES = ("overview", "trends", "unit", "weak", "status", "visit", "screen", "access")
OTHER_CODES = (
    "411103",
    "411171",
    "4111",
    "41",
    "411103001001",
    "411171001001",
    "411103001000",
    "411200000000",
)
PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(document.cookie)</script>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "' OR 1=1 --",
    "411102'); DROP TABLE units; --",
    "$(reboot)",
    "{{7*7}}",
    "${jndi:ldap://x/a}",
    "../../../../etc/passwd",
    "%00",
    "\x00",
    "\u202e4111",  # right-to-left override
    "４１１１０３",  # full-width digits of 郾城区
    " 411103 ",
    "411103,411102,411171",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "[x](javascript:alert(1))",
    "![](http://example.invalid/x.png)",
    ":red[大字]",
    "**粗体**\n# 标题",
    '=HYPERLINK("http://x","y")',
    "😀" * 50,
    "a" * 5000,
    ",".join(["411102001001"] * 70),
    "",
)


def _value(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(PAYLOADS)
    if roll < 0.65:
        return rng.choice(OTHER_CODES)
    if roll < 0.8:
        return rng.choice(OTHER_CODES) + rng.choice(PAYLOADS)[:30]
    return "".join(rng.choice("0123456789,.-_%&=?#<>\"' 县区") for _ in range(rng.randint(1, 40)))


def generate(n: int, seed: int = 2026) -> list[tuple[str, dict[str, str]]]:
    """(page, params) pairs; every link holds 1–6 parameters, most of them named as the app's own."""
    rng = random.Random(seed)
    names = [*PARAM_NAMES.values(), "s"]
    cases = []
    for _ in range(n):
        params: dict[str, str] = {}
        for _ in range(rng.randint(1, 6)):
            roll = rng.random()
            name = (
                rng.choice(names) if roll < 0.8 else rng.choice(["x", "r[]", "__proto__", "<b>", "a" * 200])
            )
            params[name] = _value(rng)
        cases.append((rng.choice(PAGES), params))
    return cases


def test_the_generator_covers_what_it_claims():
    cases = generate(CASES)
    assert len(cases) == CASES == len({urllib.parse.urlencode(p) + page for page, p in cases})
    names = {k for _, p in cases for k in p}
    assert set(PARAM_NAMES.values()) | {"s"} <= names
    assert {page for page, _ in cases} == set(PAGES)
    assert sum(any(len(v) > 1000 for v in p.values()) for _, p in cases) > 10


@pytest.mark.parametrize(
    "batch",
    # the first batch runs in every run; all of them with `-m heavy` (about four minutes of CPU)
    [0, *(pytest.param(b, marks=pytest.mark.heavy) for b in range(1, BATCHES))],
)
def test_malicious_links_raise_nothing_and_show_nothing_out_of_scope(auth_env, app_env, batch):
    markers = forbidden_markers(app_env)
    size = CASES // BATCHES
    shown = 0
    for i, (page, params) in enumerate(
        generate(CASES)[batch * size : (batch + 1) * size], start=batch * size
    ):
        case = f"case {i}: /{page}?{urllib.parse.urlencode(params)[:300]}"
        at = open_as(
            COUNTY_USER if "s" not in params else None, page if "s" not in params else "overview", params
        )
        assert not at.exception, f"{case}: {[e.value for e in at.exception]}"
        errors = [e.value for e in at.error]
        assert FAILED not in errors and DENIED not in errors, f"{case}: {errors}"
        text = shown_text(at)
        assert leaks(text, markers) == [], case
        shown += "源汇区" in text
    assert shown >= size // 2  # most links still open a page of the own county (the check looked at data)
