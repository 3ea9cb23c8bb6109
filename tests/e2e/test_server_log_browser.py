"""Every page, in Chinese and in English: the server's log stays free of errors, and the English
rendering shows no Chinese apart from names that are data.

One demo server; each page is opened once per language, and both checks read that one walk.

- The log: an error a page catches (a message, not a traceback in the UI) still lands in the log,
  and so does Streamlit's fallback when a table cannot go to Arrow as it is (with its traceback).
- English: names stay as they are — places and units (the store's ``regions`` and ``units``
  tables) and the task catalogue's stars and tasks (``stars``, ``tasks``: the province's own
  wording, replaced with its catalogue). What is left must hold no Chinese character, but for the
  few English texts that show Chinese on purpose (the switch back to 中文). Data grids draw on a
  canvas, so their cells are not read here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

from tests.e2e.conftest import SERVER_LOGS, SERVER_STORES, wait_for_app
from tests.test_i18n import CJK_ON_PURPOSE
from xingtu.i18n import TEXTS

UNIT = "411102001001"  # 滨西社区, 源汇区: in the small e2e store
# (name, path and query): every page of the read-only demo session, the 短板 tabs one by one
PAGES = (
    ("overview", "/?"),
    ("trends", "/trends?"),
    ("unit", f"/unit?u={UNIT}&"),
    ("weak.heat", "/weak?tab=heat&"),
    ("weak.tasks", "/weak?tab=tasks&"),
    ("weak.closest", "/weak?tab=closest&"),
    ("weak.weak_lax", "/weak?tab=weak_lax&"),
    ("status", "/status?"),
    ("visit", "/visit?"),
    ("screen", "/screen?every=0&"),
)
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# What a reader sees: the rendered text, chart text (SVG), field values and placeholders, and the
# names assistive tools read out.
TEXT_JS = """() => {
  const out = [document.body.innerText];
  for (const e of document.querySelectorAll('svg text')) out.push(e.textContent);
  for (const e of document.querySelectorAll('input, textarea')) out.push(e.value, e.placeholder);
  for (const e of document.querySelectorAll('[aria-label], [title]')) {
    out.push(e.getAttribute('aria-label'), e.getAttribute('title'));
  }
  return out.filter(Boolean).join('\\n');
}"""
BAD_LOG = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback|Arrow\w*(Error|Invalid)|Exception\b")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ON_PURPOSE = {run for key in CJK_ON_PURPOSE for run in CJK.findall(TEXTS[key][1])}


class Walk(NamedTuple):
    log: str  # the server's whole log after the walk
    bad_lines: list[str]  # "page (lang): line" for each error line a page's run logged
    english: dict[str, str]  # page -> its English text
    names: list[str]  # the store's names, longest first


def _open(page, server: str, path: str, lang: str) -> None:
    """Open one page in ``lang`` and wait until its run is over and it has drawn."""
    page.goto(f"{server}{path}lang={lang}")
    if path.startswith("/screen"):  # full screen: no sidebar
        page.wait_for_selector("[data-testid='screen-tiles']", timeout=120_000)
        page.wait_for_selector(DONE, timeout=60_000)
    else:
        wait_for_app(page)


def _data_names(store_dir: Path) -> list[str]:
    """Every name the e2e store holds, longest first (a unit's name may contain its village's)."""
    stores = sorted(store_dir.glob("xingtu-*.duckdb"))
    assert len(stores) == 1, stores
    with duckdb.connect(str(stores[0]), read_only=True) as con:
        rows = con.execute(
            """SELECT name FROM regions UNION SELECT name FROM units UNION SELECT full_name FROM units
               UNION SELECT star_name FROM stars UNION SELECT name FROM tasks"""
        ).fetchall()
    names = sorted({r[0] for r in rows if r[0] and CJK.search(r[0])}, key=len, reverse=True)
    assert any(n.endswith("区") for n in names) and any(n.endswith("星") for n in names)
    return names


@pytest.fixture(scope="module")
def walk(browser, server) -> Walk:
    log = SERVER_LOGS[server]
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    bad: list[str] = []
    english: dict[str, str] = {}
    offset = log.stat().st_size  # what other tests on this server logged is theirs
    for lang in ("zh", "en"):
        for name, path in PAGES:
            _open(page, server, path, lang)
            if lang == "en":
                english[name] = page.evaluate(TEXT_JS)
            with log.open("rb") as fh:
                fh.seek(offset)
                new = fh.read()
            offset += len(new)
            lines = new.decode("utf-8", "replace").splitlines()
            bad += [f"{name} ({lang}): {line}" for line in lines if BAD_LOG.search(line)]
    context.close()
    return Walk(
        log.read_text(encoding="utf-8", errors="replace"), bad, english, _data_names(SERVER_STORES[server])
    )


def chinese_left(text: str, names: list[str]) -> set[str]:
    """The runs of Chinese characters in ``text`` that are neither a name nor on purpose."""
    for name in names:
        text = text.replace(name, " ")
    return {run for run in CJK.findall(text) if run not in ON_PURPOSE}


def test_chinese_left_finds_leftovers_but_not_names():
    names = ["源汇区", "漯河市", "支部过硬星"]
    assert chinese_left("Ranking: 源汇区 (漯河市) · 支部过硬星 · 中文", names) == set()
    assert chinese_left("Share by month: 1月 2月 · 源汇区", names) == {"月"}


def test_every_page_in_both_languages_logs_no_error(walk):
    assert "You can now view your Streamlit app" in walk.log  # it is the server's log
    assert walk.bad_lines == []


def test_every_page_in_english_has_no_chinese_but_names(walk):
    assert set(walk.english) == {name for name, _ in PAGES}
    left = {name: runs for name, text in walk.english.items() if (runs := chinese_left(text, walk.names))}
    assert left == {}
