"""AppTest for every page: default view, filtered links, malformed links, and cross-checks.

The app builds its own small store (three county-level units of 漯河市) through the
same first-run path a user sees.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.scope_check import PAGES as ALL_PAGES
from xingtu.i18n import TEXTS
from xingtu.settings import ROOT

APP = str(ROOT / "app.py")
# every page a demo session has (the admin's import and access pages: tests/test_access_app.py)
PAGES = {k: v for k, v in ALL_PAGES.items() if k not in ("import", "access", "visit")}
UNIT = "411102001001"  # 滨西社区, 老街街道, 源汇区


def _con(store_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(next(store_dir.glob("*.duckdb"))), read_only=True)


def _open(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _ranking_rows(at: AppTest) -> list[dict]:
    """The rows the ranking component was sent (it draws them in the browser)."""
    return next(
        json.loads(e.proto.json)["rows"]
        for e in at.get("bidi_component")
        if e.proto.component_name == "xingtu_ranking"
    )


def _plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_opens_with_defaults(app_env, page):
    at = _open(page)
    assert not at.error
    assert not _warnings(at)
    assert any("sample-badge" in h.proto.body and "样例数据" in h.proto.body for h in at.get("html"))


def test_overview_numbers_agree_across_cards_ranking_and_map(app_env):
    at = _open("overview", {"r": "4111"})
    con = _con(app_env)
    expected = con.execute(
        """SELECT left(code, 6) AS county, count(*), sum((level = 5)::INT), avg(level)
           FROM annual_results WHERE year = 2025 GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    total = sum(r[1] for r in expected)
    cards = _metrics(at)
    assert cards["村（社区）总数"] == f"{total:,}"
    five = next(v for k, v in cards.items() if k.startswith("五星"))
    assert five == f"{sum(r[2] for r in expected):,}"

    rows = _ranking_rows(at)
    ranked = {r["code"][:6]: (r["units"], r["value"]) for r in rows}
    assert {k: v[0] for k, v in ranked.items()} == {r[0]: r[1] for r in expected}
    assert {k: v[1] for k, v in ranked.items()} == {r[0]: f"{r[3]:.2f}" for r in expected}
    ranks = [int(r["rank"]) for r in rows]
    assert ranks == sorted(ranks) and ranks[0] == 1
    levels = next(h.proto.body for h in at.get("html") if "level-bars" in h.proto.body)
    assert f"{sum(r[2] for r in expected):,}（" in levels

    specs = _plotly_specs(at)
    map_spec = next(s for s in specs if s["layout"].get("geo"))
    shown = {}
    for trace in map_spec["data"]:
        for custom in trace.get("customdata") or []:
            shown[custom[-1][:6]] = (int(custom[3].replace(",", "")), custom[1])
    assert {k: v[0] for k, v in shown.items()} == {r[0]: r[1] for r in expected}
    assert {k: v[1] for k, v in shown.items()} == {r[0]: f"{r[3]:.2f}" for r in expected}
    # the functional zone has no polygon: it is drawn as a dot, not dropped
    zone_traces = [t for t in map_spec["data"] if t["type"] == "scattergeo"]
    assert any(c[-1] == "411171000000" for t in zone_traces for c in t["customdata"])


def test_filters_change_the_numbers_and_reach_the_url(app_env):
    at = _open("overview")
    all_units = _metrics(at)["村（社区）总数"]
    at.radio(key="filter.unit_type").set_value("urban").run()
    assert not at.exception
    con = _con(app_env)
    urban = con.execute(
        "SELECT count(*) FROM annual_results WHERE year = 2025 AND unit_type = 'urban'"
    ).fetchone()[0]
    assert _metrics(at)["村（社区）总数"] == f"{urban:,}" != all_units
    at.selectbox(key="filter.city").set_value("411100000000").run()
    at.selectbox(key="filter.year").set_value(2023).run()
    assert dict(at.query_params) == {"t": ["urban"], "r": ["4111"], "y": ["2023"]} or {
        k: at.query_params[k] for k in at.query_params
    } == {"t": "urban", "r": "4111", "y": "2023"}


@pytest.mark.parametrize(
    ("page", "params", "expect"),
    [
        ("overview", {"r": "411102", "t": "rural", "y": "2023", "m": "share_ge4"}, "源汇区"),
        ("overview", {"r": "411102001", "lv": "4", "layer": "hex"}, "老街街道"),
        (
            "overview",
            {"r": "4111", "by": "city", "m": "overdue_problems", "layer": "off", "sort": "units"},
            "漯河市",
        ),
        ("trends", {"r": "411103", "star": "industry", "cmp": "411102,411103"}, "郾城区"),
        ("unit", {"u": UNIT, "y": "2024"}, "滨西社区"),
        ("weak", {"r": "4111", "tab": "tasks", "star": "branch"}, "漯河市"),
        ("weak", {"r": "411102", "tab": "closest", "lv": "3"}, "源汇区"),
        ("weak", {"tab": "weak_lax", "t": "rural"}, "河南省"),
    ],
)
def test_filtered_links_open_without_notices(app_env, page, params, expect):
    at = _open(page, params)
    assert not at.error and not _warnings(at)
    texts = " ".join(m.value for m in at.markdown)
    assert expect in texts
    for k, v in params.items():  # the link survives the run unchanged (short codes kept short)
        assert at.query_params[k] == v, (k, at.query_params[k])


@pytest.mark.parametrize(
    ("page", "params", "bad"),
    [
        ("overview", {"r": "999999"}, "r="),
        ("overview", {"y": "2031", "m": "x"}, "y="),
        ("overview", {"lv": "<b>9</b>"}, "lv="),
        ("trends", {"cmp": "411102,abc"}, "cmp="),
        ("unit", {"u": "411102001999"}, "u="),
        ("weak", {"tab": "../../etc", "star": "1; DROP TABLE units"}, "tab="),
        ("status", {"lang": "fr"}, "lang="),
        ("screen", {"every": "2"}, "every="),
        ("screen", {"play": "4111,99"}, "play="),
    ],
)
def test_malformed_links_fall_back_with_a_visible_notice(app_env, page, params, bad):
    at = _open(page, params)
    assert bad in _warnings(at)
    for k in params:
        assert k not in at.query_params  # the bad value is not written back


def test_empty_scope_says_so(app_env):
    at = _open("overview", {"r": "411102001", "t": "rural"})
    assert any("没有村（社区）" in i.value for i in at.info)


def test_unit_page_search_and_profile(app_env):
    at = _open("unit")
    assert any("输入村（社区）名称或代码" in i.value for i in at.info)
    at.text_input(key="unit.search.q").input("滨西").run()
    picker = at.selectbox(key="unit.search.pick")
    assert any("滨西社区 · 老街街道 · 源汇区" in o for o in picker.options)
    at.selectbox(key="unit.search.pick").set_value(UNIT).run()
    assert not at.exception
    assert at.query_params["u"] == UNIT
    assert any("滨西社区" in m.value for m in at.markdown)
    con = _con(app_env)
    sql = "SELECT count(*) FROM task_results WHERE code = $c AND year = 2025 AND NOT met"
    unmet = con.execute(sql, {"c": UNIT}).fetchone()[0]
    assert any(f"{unmet} 项未达标" in m.value for m in at.markdown)


@pytest.mark.parametrize(("lang", "late"), [("zh", "逾期未整改"), ("en", "Overdue")])
def test_the_unit_ledger_lists_the_overdue_items_first_in_the_pages_language(app_env, lang, late):
    _open("overview")  # the app builds its store on the first run
    code, counted = _con(app_env).execute(
        """SELECT code, overdue_problems FROM annual_results
           WHERE year = 2025 AND overdue_problems > 0 ORDER BY code LIMIT 1"""
    ).fetchone()
    at = _open("unit", {"u": code, "lang": lang})
    ledger = next(df.value for df in at.dataframe if "state" in df.value.columns)
    states = ledger["state"].tolist()
    assert states[:counted] == [late] * counted and late not in states[counted:]
    assert list(ledger["deadline"][:counted]) == sorted(ledger["deadline"][:counted])  # longest overdue first


@pytest.mark.parametrize("page", list(PAGES))
def test_english(app_env, page):
    """Every page in English (the switch itself is clicked in the browser test)."""
    at = _open(page, {"lang": "en", "u": UNIT})
    if page == "screen":  # no filters on the big screen; its texts are HTML
        assert at.button(key="screen.pause").label == "Pause"
        assert "County: top · Mean stars" in _html(at) and "Year by year" in _html(at)
    else:
        assert at.button(key="filter.reset").label == "Reset filters"
        assert at.button(key="filter.lang").label == "中文"
    assert at.query_params["lang"] == "en"
    if page == "overview":
        assert "Units in scope" in _metrics(at)
    visible = " ".join(
        [m.label for m in at.metric]
        + [m.value for m in at.markdown if "sample-badge" not in m.value]
        + [x.value for x in [*at.info, *at.caption, *at.warning]]
        + ([_html(at)] if page == "screen" else [])
    )
    for data_name in _con(app_env).execute("SELECT value FROM meta WHERE key LIKE '%name'").fetchall():
        visible = visible.replace(data_name[0], "")  # names from the data stay as they are
    leftover = [zh for zh, _ in TEXTS.values() if len(zh) >= 4 and "{" not in zh and zh in visible]
    assert leftover == []


def _html(at: AppTest) -> str:
    return " ".join(h.proto.body for h in at.get("html"))


def test_screen_shows_the_scope_its_numbers_and_no_filters(app_env):
    at = _open("screen", {"r": "4111", "every": "0", "m": "share_ge4"})
    body = _html(at)
    assert 'data-testid="screen-scope">漯河市' in body
    con = _con(app_env)
    units, five = con.execute(
        "SELECT count(*), sum((level = 5)::INT) FROM annual_results WHERE year = 2025 AND code LIKE '4111%'"
    ).fetchone()
    assert f'<div class="value">{units:,}</div>' in body and f'<div class="value">{five:,}</div>' in body
    assert "排名靠前的县（区） · 四星及以上占比" in body and "源汇区" in body
    assert '逾期问题最多的县（区）</h2><ol class="xs-list"><li><span class="n">1</span>' in body
    assert not at.sidebar.selectbox and not at.sidebar.radio  # the screen draws no filters
    assert "screen-progress" not in body  # every=0: no rotation, no progress bar
    fig = json.loads(next(c for c in at.get("plotly_chart")).proto.spec)
    stars = next(tr for tr in fig["data"] if tr.get("name") == "五星村（社区）")
    lon = stars["lon"]  # plotly sends numeric arrays as base64 float64
    n = len(base64.b64decode(lon["bdata"])) // 8 if isinstance(lon, dict) else len(lon)
    assert n == five  # the unit layer: every 五星 unit of the scope


def test_screen_playlist_from_the_link_and_pause(app_env):
    at = _open("screen", {"play": "411102,411103", "every": "10"})
    body = _html(at)
    assert 'screen-scope">源汇区' in body and "第 1/2 屏 · 每 10 秒轮换" in body
    assert 'data-step="0"' in body and "animation-duration:10s" in body
    at.button(key="screen.pause").click().run()
    body = _html(at)
    assert "已暂停" in body and "xs-progress paused" in body
    assert 'screen-scope">源汇区' in body  # a full rerun keeps the position
    assert at.query_params["play"] == "411102,411103" and at.query_params["every"] == "10"


def test_a_deployment_limited_to_some_counties_offers_only_regions_with_units(app_env):
    """The store holds every city of the province (reference data) but units of 漯河市's three
    counties only: the other cities are not offered, and a link naming one shows no page error."""
    at = _open("overview")
    city = next(s for s in at.selectbox if s.key == "filter.city")
    assert city.options[1:] == ["漯河市"]
    at = _open("overview", {"r": "4101"})  # 郑州市: in the province, no unit in this deployment
    assert not at.error, [e.value for e in at.error]
    assert at.warning or at.info  # the link's region is named as not shown
    assert next(s for s in at.selectbox if s.key == "filter.city").value in (None, "")
