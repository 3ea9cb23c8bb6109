"""The translation table is complete, and every key the code asks for exists."""

from __future__ import annotations

import re
import string
import tomllib

import pytest

from xingtu.i18n import TEXTS, load_texts, translate
from xingtu.settings import ROOT
from xingtu.viewstate import METRICS, PARAM_NAMES, TABS, UNIT_TYPES

# English texts that show Chinese on purpose: the switch back, a search example, a term of art.
CJK_ON_PURPOSE = {"lang.switch", "unit.search.placeholder", "unit.ledger.closed"}
SOURCES = [*ROOT.glob("app.py"), *ROOT.glob("app_pages/*.py"), *ROOT.glob("components/*.py")]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_both_languages_with_the_same_placeholders(key):
    zh, en = TEXTS[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en)
    if key not in CJK_ON_PURPOSE:
        assert not re.search(r"[\u4e00-\u9fff]", en), f"{key}: Chinese left in English text"


def test_every_literal_key_used_in_the_code_exists():
    used: set[str] = set()
    for path in SOURCES:
        used |= set(
            re.findall(
                r"""\b(?:t|tr)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""", path.read_text(encoding="utf-8")
            )
        )
    assert used, "no t(...) calls found: the pattern is stale"
    assert sorted(used - set(TEXTS)) == []


@pytest.mark.parametrize(
    "key",
    [f"metric.{m}" for m in METRICS]
    + [f"type.{u}" for u in UNIT_TYPES]
    + [f"weak.tab.{x}" for x in TABS]
    + [f"level.{lv}" for lv in range(6)]
    + [f"url.bad_{f}" for f in PARAM_NAMES]
    + [
        f"briefing.{k}.{lv}"
        for k in ("download", "kind")
        for lv in ("province", "city", "county", "township")
    ]
    + ["url.bad_unknown"],
)
def test_keys_built_at_run_time_exist(key):
    assert key in TEXTS


def test_translate_formats_and_falls_back_visibly():
    assert translate("overview.kpi.vs_prev", "zh", year=2024) == "较 2024 年"
    assert translate("overview.kpi.vs_prev", "en", year=2024) == "vs 2024"
    assert translate("no.such.key", "en") == "no.such.key"


def test_the_table_file_refuses_a_malformed_entry_and_a_key_written_twice(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('"a.b" = ["只有中文"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"'a\.b' must be"):
        load_texts(bad)
    twice = tmp_path / "twice.toml"
    twice.write_text('"a.b" = ["甲", "A"]\n"a.b" = ["乙", "B"]\n', encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        load_texts(twice)
    good = tmp_path / "good.toml"
    good.write_text('# a comment\n"a.b" = ["第 {n} 项", "item {n}"]\n', encoding="utf-8")
    assert load_texts(good) == {"a.b": ("第 {n} 项", "item {n}")}
