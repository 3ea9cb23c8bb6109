"""Nothing in the data can run in a browser: every builder that puts data text into a chart, a
deck, HTML, Markdown or a file shows it as exactly that text.

Each payload is written into every name and imported text of a copy of the small store
(``tests.payloads.patch_text``); the real queries read it back and the builders draw it. The
outputs are then read the way the browser reads them: HTML with a parser (no element or
attribute may come from the data, and the text must read back as the payload), plotly
strings as plotly.js does (only our own ``<b> <br> <extra>`` tags; entities decoded for
display), Markdown as CommonMark escapes, files cell by cell.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import pytest
import streamlit
from openpyxl import load_workbook

from components import (
    briefing,
    map_controls,
    ranking,
    region_map,
    screen,
    table_export,
    templating,
    trend_charts,
    unit_profile,
    view,
    village_map,
    visit,
    weak_charts,
)
from tests.payloads import PAYLOADS, patch_text
from xingtu import export
from xingtu.imports.report import build_error_report
from xingtu.imports.validate import Problem
from xingtu.safe import html_text, markdown_text, plotly_text
from xingtu.store import queries as q
from xingtu.store import static_files, views
from xingtu.views import movers
from xingtu.views import ranking as ranking_view

COUNTY, CITY, TOWNSHIP = "411102000000", "411100000000", "411102001000"
YEAR = 2025
TEXTS = region_map.MapTexts("平均星数", "排名", "单位数", "无数据", "功能区")


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setattr(view, "lang", lambda: "zh")


@pytest.fixture(scope="module", params=PAYLOADS, ids=[f"p{i}" for i in range(len(PAYLOADS))])
def evil(request, small_store_path, tmp_path_factory) -> Iterator[tuple[str, duckdb.DuckDBPyConnection]]:
    """(payload, a read-only store whose every name and imported text is the payload)."""
    path = tmp_path_factory.mktemp("evil") / "store.duckdb"
    shutil.copyfile(small_store_path, path)
    with duckdb.connect(str(path)) as con:
        patch_text(con, request.param)
    con = duckdb.connect(str(path), read_only=True)
    yield request.param, con
    con.close()


# --- how the browser reads each output ------------------------------------------------------

SAFE_TAGS = {
    *("html", "head", "meta", "title", "style", "body", "header", "footer", "section", "div"),
    *("span", "b", "i", "h1", "h2", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"),
    *("svg", "g", "path", "circle", "rect", "line", "text"),
}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert_html(doc: str, payload: str, shown: bool = True) -> None:
    """No element or handler from the data; the payload reads back as text."""
    reader = _Reader()
    reader.feed(doc)
    reader.close()
    for tag, attrs in reader.tags:
        assert tag in SAFE_TAGS, f"<{tag}> from the data"
        for name, value in attrs:
            assert not name.startswith("on"), f"<{tag} {name}> from the data"
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
    if shown:
        assert payload in "".join(reader.text)


_OUR_PLOTLY_TAGS = re.compile(r"</?(b|br|extra)>")
_PLOTLY_ENTITIES = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×"}
_PLOTLY_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")


def plotly_shown(text: str) -> str:
    """What plotly.js draws for a text: its tags gone, entities decoded (``convertEntities``)."""

    def entity(m: re.Match[str]) -> str:
        inner = m.group(1)
        if inner.startswith("#"):
            return chr(int(inner[2:], 16) if inner[1] == "x" else int(inner[1:]))
        return _PLOTLY_ENTITIES.get(inner, m.group(0))

    return _PLOTLY_ENTITY.sub(entity, _OUR_PLOTLY_TAGS.sub("", text))


def _strings(node: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield key, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v, key)


def assert_inert_plotly(fig: go.Figure, payload: str, shown: bool = True) -> None:
    """Only our own tags in any string; no data in a template; the payload drawn as itself."""
    strings = list(_strings(json.loads(fig.to_json())))
    for key, text in strings:
        assert "<" not in _OUR_PLOTLY_TAGS.sub("", text), (key, text)
        if key.endswith("template"):
            assert plotly_text(payload) not in text, (key, text)
    if shown:
        assert any(payload in plotly_shown(text) for _, text in strings)


# --- the helpers themselves -------------------------------------------------------------------

_PUNCT = r"!-/:-@\[-`{-~"


@pytest.mark.parametrize("payload", [*PAYLOADS, "a\nb\r\n# c", "\\*x\\*"])
def test_markdown_text_escapes_every_markdown_character(payload):
    shown = markdown_text(payload)
    assert "\n" not in shown and "\r" not in shown
    assert re.fullmatch(rf"(?:\\[{_PUNCT}]|[^{_PUNCT}])*", shown), shown
    assert re.sub(rf"\\([{_PUNCT}])", r"\1", shown) == re.sub(r"[\r\n]+", " ", payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_and_plotly_text_read_back_as_the_payload(payload):
    assert html.unescape(html_text(payload)) == payload and "<" not in html_text(payload)
    assert '"' not in html_text(payload) and "'" not in html_text(payload)
    assert plotly_shown(plotly_text(payload)) == payload and "<" not in plotly_text(payload)


def test_streamlit_escapes_the_values_it_puts_into_a_deck_tooltip():
    """The village layer's tooltip is a fixed template; Streamlit fills its {fields} escaped.

    Our points files therefore hold raw names (escaping them too would show ``&lt;``). If this
    fails after a Streamlit upgrade, check DeckGlJsonChart's tooltip before changing anything.
    """
    js_dir = Path(streamlit.__file__).parent / "static" / "static" / "js"
    js = "".join(p.read_text(encoding="utf-8") for p in js_dir.glob("DeckGlJsonChart.*.js"))
    escape = re.search(r"(\w+)=\w+=>String\(\w+\)\.replaceAll\(/\[&<>\"'\]/g,", js)
    assert escape, "Streamlit's deck tooltip no longer escapes the values it interpolates"
    assert re.search(r"\.html=\w+\(\w+,\w+\.html,!0\)", js)


# --- every builder, fed the payload through the real queries ----------------------------------


def test_region_map_and_unit_dots(evil):
    payload, con = evil
    ov = views.query_overview(con, q.Scope(CITY), YEAR, "county")
    assert_inert_plotly(region_map.build_region_map(ov.children, "mean_stars", "u.geojson", TEXTS), payload)
    town = views.query_overview(con, q.Scope(TOWNSHIP), YEAR, "county")
    fig = region_map.build_unit_dots(town.units, {lv: f"L{lv}" for lv in range(6)})
    assert_inert_plotly(fig, payload)
    assert all(re.fullmatch(r"\d{12}", c[-1]) for c in fig.data[0].customdata)  # a click returns the code


def test_village_deck_holds_no_data_and_its_points_file_raw_names(evil, tmp_path, monkeypatch):
    payload, con = evil
    deck = village_map.build_village_deck(
        "p.json", "o.json", (113, 33, 114, 34), "points", map_controls.village_tooltip(), 300
    )
    spec = deck.to_json()
    assert payload not in spec and html_text(payload) not in spec  # the data travels by URL
    assert deck._tooltip["html"] == map_controls.village_tooltip()
    monkeypatch.setattr(static_files, "GEN_DIR", tmp_path)
    url, n = static_files.write_points(con, "fp", COUNTY, "all", YEAR, None, village_map.PALETTE)
    records = json.loads((tmp_path / "fp" / url.rsplit("/", 1)[1]).read_text(encoding="utf-8"))
    assert n and {r["n"] for r in records} == {payload}  # raw: Streamlit escapes it into the tooltip


def test_ranking_sets_names_as_text(evil):
    payload, con = evil
    ov = views.query_overview(con, q.Scope(CITY), YEAR, "county")
    table = ranking_view.compute_ranking(ov.children, "mean_stars", "zh")
    rows = ranking.build_ranking_rows(table, "mean_stars", "未导入")
    assert {r["label"].removesuffix("（功能区）") for r in rows} == {payload}
    js = templating.script("ranking")
    assert "textContent" in js and "innerHTML" not in js and "title =" in js


def test_unit_profile_charts(evil):
    payload, con = evil
    code = con.execute("SELECT min(code) FROM units WHERE township_code = ?", [TOWNSHIP]).fetchone()[0]
    page = views.query_unit_page(con, code, YEAR)
    assert page is not None
    labels = {"held": "已获星", "met": "达标", "required": "要求"}
    assert_inert_plotly(unit_profile.build_share_bars(page.profile.stars, YEAR, labels), payload)
    levels = {lv: f"L{lv}" for lv in range(6)}
    assert_inert_plotly(unit_profile.build_unit_map(page.neighbours, code, "o.json", COUNTY, levels), payload)
    assert markdown_text(page.profile.unit["name"]) == markdown_text(payload)  # the header's text


def test_weak_charts(evil):
    payload, con = evil
    for tab in ("heat", "tasks"):
        weak = views.query_weak(con, q.Scope(CITY), YEAR, tab, None, None)
        if tab == "heat":
            stars = weak.star_fail.rename(columns={"share_not_held": "share"})
            assert_inert_plotly(weak_charts.build_heat(stars, "star_name", "未获星占比"), payload)
            tasks = weak.task_fail.rename(columns={"share_unmet": "share"})
            assert_inert_plotly(weak_charts.build_heat(tasks, "task_name", "未达标占比"), payload)
        else:
            labels = {"veto": "否决项", "share": "未达标占比"}
            assert_inert_plotly(weak_charts.build_top_tasks(weak.weakest, labels), payload)


def test_trend_charts(evil):
    payload, con = evil
    trends = views.query_trends(con, q.Scope(CITY), YEAR, None)
    assert_inert_plotly(trend_charts.build_monthly(trends.monthly), payload)
    labels = {"target": "目标", "result": "结果", "share": "达标占比", "axis": "星数"}
    assert_inert_plotly(trend_charts.build_target_vs_result(trends.target_vs_result, labels), payload)
    years = views.query_county_years(con, "410000000000", "all")
    fig = trend_charts.build_compare(years, (COUNTY, "411103000000"), "mean_stars", "平均星数")
    assert_inert_plotly(fig, payload)


def test_big_screen(evil):
    payload, con = evil
    data = views.query_screen(con, q.Scope(CITY), YEAR, "county")
    fig = screen.build_map(data.overview.children, "mean_stars", "u.geojson", TEXTS, data.five_star, "五星")
    assert_inert_plotly(fig, payload)
    top, bottom = ranking_view.compute_top_bottom(data.overview.children, "mean_stars", 10)
    up, down = movers.compute_movers(data.child_years, "mean_stars")
    most = ranking_view.compute_most(data.overview.children, "overdue_problems", 5)
    missing, _ = ranking_view.compute_not_imported_rows(data.overview.children, 5)
    assert top and bottom and up.size + down.size and most  # every list holds names from the data
    side = screen.build_side_html(
        [
            ("前十", top, ""),
            ("后十", bottom, ""),
            ("上升", movers.compute_mover_rows(up, "mean_stars"), "good"),
            ("下降", movers.compute_mover_rows(down, "mean_stars"), "bad"),
            ("逾期", most, "bad"),
            ("未导入", missing, "flat"),
        ],
        "screen-ranking",
        "暂无",
    )
    assert_inert_html(side, payload)
    assert "<script" not in side
    assert_inert_html(screen.build_band_html("星图", payload, "2025", "样例数据", 30, False, 0), payload)
    assert_inert_html(screen.build_legend_html(fig, "五星", len(data.five_star)), payload, shown=False)


def test_visit_route_map_cards_and_itinerary(evil):
    payload, con = evil
    codes = tuple(
        r[0]
        for r in con.execute(
            "SELECT code FROM annual_results WHERE year = ? AND level >= 4 ORDER BY code LIMIT 4", [YEAR]
        ).fetchall()
    )
    data = views.query_visit(con, codes, YEAR)
    legs = visit.compute_legs(data)
    candidates = q.query_visit_candidates(con, q.Scope(CITY), YEAR, "five_star", 20)
    assert_inert_plotly(visit.build_route_map(data, legs, "zh", candidates=candidates), payload)
    cards = visit.compute_cards(data, legs)
    for card in cards:
        assert_inert_html(visit.build_card_html(card, "zh"), payload)
    title = view.t("visit.print_title", first=cards[0]["name"], n=len(cards))
    assert_inert_html(visit.build_itinerary_html(title, cards, sum(legs), payload, "zh"), payload)
    ws = load_workbook(io.BytesIO(visit.build_itinerary_xlsx(cards, "zh"))).active
    assert_inert_cells(ws, payload)


def test_briefing_page(evil):
    payload, con = evil
    for region in (COUNTY, TOWNSHIP):
        brief = views.query_briefing(con, q.Scope(region), YEAR)
        assert len(brief.overdue) or region == TOWNSHIP
        assert_inert_html(briefing.build_briefing_html(brief, "zh"), payload)


# --- every template, with the payload in every value it shows -----------------------------------

TEMPLATES = Path(templating.__file__).parent / "templates"


def _template_values(text: str) -> dict[str, list[dict[str, object]]]:
    """For each template in ``components/templates``, the values it is rendered with (each branch
    once), ``text`` in every string slot: names, labels, titles, colours, test ids."""
    card = {
        "n": 1,
        "name": text,
        "place": text,
        "stars": [(text, True), (text, False)],
        "strengths": {text: [text, text]},
        "partners": [text],
    }
    card_texts = {k: text for k in ("level", "strengths", "no_strengths", "partners", "none", "next")}
    side = {"title": text, "rows": [(text, text, text)], "tone": text, "slots": 1}
    kpi = {"label": text, "value": text, "share": text, "tone": text, "note": text}
    sketch = {"width": 100, "height": 80, "outline": text, "outline_fill": text, "outline_line": text}
    sketch |= {"inner": text, "inner_line": text, "edge": True, "radius": 2}
    sketch["groups"] = [{"color": text, "points": [(1.0, 2.0)]}]
    bars = [{"x": 1, "y": 2, "width": 3, "height": 4, "color": text, "label": text, "cx": 1, "ly": 2}]
    trend = {"width": 100, "height": 80, "bars": [bars[0] | {"label_color": text}]}
    trend["grid"] = [{"x1": 10, "x2": 90, "y": 5.0, "label": text}]
    trend["years"] = [{"cx": 1.0, "mean_y": 2, "year_y": 3, "mean": text, "year": text}]
    table = {"title": text, "header": [(text, text)] * 2, "empty": text}
    table["rows"] = [[text, {"veto": text, "bar": 50.0, "text": text}]]
    briefing_values = {
        "lang": text,
        "css": text,
        "title": text,
        "sub": text,
        "sample": {"badge": text, "note": text},
        "kpis": [kpi],
        "vs": text,
        "map_title": text,
        "map": sketch,
        "map_none": text,
        "legend": [(text, text)],
        "map_note": text,
        "trend_title": text,
        "trend": trend,
        "levels_title": text,
        "levels": text,
        "tables": [table, table | {"rows": []}],
        "footer": text,
        "zip": zip,
    }
    return {
        "briefing.html": [briefing_values, briefing_values | {"sample": None, "map": None, "trend": None}],
        "itinerary.html": [
            {"lang": text, "title": text, "note": text, "total": text, "css": text, "cards": [text]}
        ],
        "level_bars.html": [{"rows": [{"label": text, "width": "50.0", "color": text, "value": text}]}],
        "map_key.html": [{"title": text, "items": [(text, text)], "testid": text}],
        "signout_form.html": [{"lang": text, "label": text}],
        "sample_badge.html": [{"badge": text, "note": text}],
        "print_button.html": [{}],  # no values: the button's label is set by its script
        "visit_card.html": [
            {"card": card, "texts": card_texts},
            {"card": card | {"strengths": {}, "partners": []}, "texts": card_texts | {"next": ""}},
        ],
        "screen_band.html": [
            {"title": text, "scope": text, "meta": text, "badge": text}
            | {"every": 30, "paused": True, "step": 3, "width": 1920, "height": 1080},
            {"title": text, "scope": text, "meta": text, "badge": None}
            | {"every": 0, "paused": False, "step": 0, "width": 3840, "height": 1080},
        ],
        "screen_tiles.html": [
            {
                "tiles": [
                    {"label": text, "value": text, "delta": text, "tone": text},
                    {"label": text, "value": text, "delta": None},
                ]
            }
        ],
        "screen_side.html": [
            {"sections": [side, side | {"rows": []}], "testid": text, "empty": text, "k": 2, "rows_max": 1}
        ],
        "screen_trend.html": [
            {
                "title": text,
                "mean": text,
                "ge4": text,
                "empty": text,
                "slots": n,
                "keys": [(text, text)],
                "years": [
                    {"year": text, "mean": text, "ge4": text, "parts": [{"width": "50.00", "color": text}]}
                ]
                * n,
            }
            for n in (1, 0)
        ],
        "screen_legend.html": [
            {"title": text, "keys": [(text, text)], "star": star}
            for star in ({"color": text, "label": text, "count": "1,234"}, None)
        ],
    }


def _shape(doc: str) -> list[tuple[str, list[str]]]:
    """The elements and their attribute names, in order: what the markup is, without its text."""
    reader = _Reader()
    reader.feed(doc)
    reader.close()
    return [(tag, [name for name, _ in attrs]) for tag, attrs in reader.tags]


def test_every_template_has_hostile_values_to_render():
    assert sorted(p.name for p in TEMPLATES.glob("*.html")) == sorted(_template_values("x"))


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"p{i}" for i in range(len(PAYLOADS))])
@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_every_template_shows_hostile_names_as_text(name, payload):
    """A name is text wherever a template puts it: the markup has the same elements and attributes
    as with a plain word, no ``<script>`` comes from it, and it reads back as itself."""
    for plain, hostile in zip(_template_values("x")[name], _template_values(payload)[name], strict=True):
        if not hostile:  # a static template (the print button): nothing in it comes from data
            assert templating.render(name) == templating.render(name, **plain)
            continue
        doc = templating.render(name, **hostile)
        assert "<script" not in doc.lower()
        assert _shape(doc) == _shape(templating.render(name, **plain))
        reader = _Reader()
        reader.feed(doc)
        reader.close()
        assert payload in "".join(reader.text)


# --- files people take away -------------------------------------------------------------------


def assert_inert_cells(ws, payload: str) -> None:
    """Every text cell is text (no formula) and a data cell holds the payload, neutralised."""
    values = []
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            values.append(cell.value)
    assert export.neutralise(payload) in values or any(
        isinstance(v, str) and export.neutralise(payload) in v for v in values
    )


def test_tables_download_as_inert_excel_and_csv(evil):
    payload, con = evil
    ledger = con.execute("SELECT problem, helper, measure, deadline FROM problems LIMIT 5").df()
    ws = load_workbook(io.BytesIO(table_export.build_xlsx(ledger, payload))).active
    assert_inert_cells(ws, payload)
    rows = list(csv.reader(io.StringIO(table_export.build_csv(ledger).decode("utf-8-sig"))))
    assert rows[1][:3] == [export.neutralise(payload)] * 3
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows for c in r if not c[:1].isdigit())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_import_error_report_is_inert(payload):
    problems = [Problem(payload, 3, payload, payload, "无法识别")]
    ws = load_workbook(io.BytesIO(build_error_report(problems))).active
    assert [c.value for c in ws[2]][:4] == [export.neutralise(payload), 3, *[export.neutralise(payload)] * 2]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_download_names_keep_no_markup():
    for payload in PAYLOADS:
        stem = export.file_stem(payload)
        assert not set(stem) & set('<>"\\/:*?|[]') and stem
