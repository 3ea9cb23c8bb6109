"""观摩 routes: the page (AppTest), the cards, the printable page and the Excel file."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from components import visit
from xingtu import export
from xingtu.domain import route
from xingtu.settings import ROOT
from xingtu.store import views

APP = str(ROOT / "app.py")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("新华社区", "新华社区"),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_exported_text_cannot_run_as_a_formula(value, expected):
    assert export.neutralise(value) == expected


def _con(store_dir: Path) -> duckdb.DuckDBPyConnection:
    if not list(store_dir.glob("*.duckdb")):
        AppTest.from_file(APP, default_timeout=180).run()  # the app builds the store on first use
    return duckdb.connect(str(next(store_dir.glob("*.duckdb"))), read_only=True)


def _codes(store_dir: Path, n: int = 5) -> list[str]:
    con = _con(store_dir)
    return [
        r[0]
        for r in con.execute(
            "SELECT code FROM annual_results WHERE year = 2025 AND level = 5 ORDER BY code LIMIT ?", [n]
        ).fetchall()
    ]


def _open(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("app_pages/visit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_visit_page_shows_the_route_cards_share_link_and_downloads(app_env):
    codes = _codes(app_env)
    at = _open({"stops": ",".join(codes)})
    bodies = [h.proto.body for h in at.get("html")]
    cards = [b for b in bodies if "xv-card" in b and "<style>" not in b]
    assert len(cards) == len(codes)
    assert any("共 5 站" in m.value for m in at.markdown)
    assert not at.get("code")  # a link is made on request (and recorded), not on every run
    at.button(key="visit.share.create").click().run()
    link = at.get("code")[0].proto.code_text
    assert "?s=" in link and "stops=" not in link  # the route travels signed, not in the clear
    assert len(at.get("download_button")) == 2
    assert at.query_params["stops"] == ",".join(codes)

    # the receiver: no account, only this route, read-only
    shared = AppTest.from_file(APP, default_timeout=180)
    shared.query_params["s"] = link.split("?s=", 1)[1]
    shared.run()
    assert not shared.exception, [e.value for e in shared.exception]
    assert len(shared.expander) == len(codes)
    assert not shared.multiselect and not shared.sidebar.selectbox and not shared.get("download_button")
    assert sorted(shared.query_params["stops"].split(",")) == sorted(codes)


def test_changing_the_stops_orders_the_route_and_keeps_it_in_the_link(app_env):
    codes = _codes(app_env, 6)
    at = _open({"stops": ",".join(codes[:2])})
    box = next(m for m in at.multiselect if m.key and m.key.startswith("visit.editor.stops"))
    box.set_value(codes).run()
    at.run()
    ordered = at.query_params["stops"].split(",")
    assert sorted(ordered) == sorted(codes)
    con = _con(app_env)
    where = {c: con.execute("SELECT lon, lat FROM units WHERE code = ?", [c]).fetchone() for c in codes}
    pts = [where[c] for c in ordered]
    d = route.compute_matrix(pts)
    assert route.compute_length(list(range(len(pts))), d) == pytest.approx(
        route.compute_length(route.compute_route(pts), d), rel=0.05
    )


def test_shared_route_is_read_only_with_a_card_per_stop(app_env):
    codes = _codes(app_env, 4)
    at = _open({"stops": ",".join(codes), "share": "1"})
    assert not at.multiselect and not at.sidebar.selectbox and not at.get("download_button")
    assert len(at.expander) == 4
    assert any("sample-badge" in h.proto.body for h in at.get("html"))


def test_visit_page_without_stops_says_what_to_do(app_env):
    at = _open({})
    assert any("还没有观摩点" in i.value for i in at.info)


def test_bad_stops_in_a_link_get_a_notice(app_env):
    at = _open({"stops": "411102001002,4111"})
    assert any("stops=" in w.value for w in at.warning)
    assert "stops" not in at.query_params


def _cards() -> list[dict]:
    return [
        {
            "n": 1,
            "code": "411102001002",
            "name": "=cmd|' /C calc'!A0",
            "place": "源汇区 · 老街街道",
            "level": 5,
            "stars": [("支部过硬星", True), ("宜业兴业星", False)],
            "strengths": {"支部过硬星": ["<script>alert(1)</script>"]},
            "partners": ["受降路社区（四星带三星）"],
            "next_km": 7.64,
        },
        {
            "n": 2,
            "code": "411102004005",
            "name": "祥和社区",
            "place": "源汇区 · 干河陈街道",
            "level": 4,
            "stars": [("支部过硬星", True)],
            "strengths": {},
            "partners": [],
            "next_km": None,
        },
    ]


def test_itinerary_excel_is_formatted_and_safe():
    book = load_workbook(io.BytesIO(visit.build_itinerary_xlsx(_cards(), "zh")))
    ws = book.active
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    assert [c.value for c in ws[1]][:3] == ["序号", "村（社区）", "所在县（区）· 乡镇（街道）"]
    assert ws["B2"].value == "'=cmd|' /C calc'!A0"  # neutralised
    assert ws["E2"].value == "支部过硬星" and ws["H2"].value == 7.6
    assert ws["B3"].value == "祥和社区" and ws["H3"].value is None
    english = load_workbook(io.BytesIO(visit.build_itinerary_xlsx(_cards(), "en"))).active
    assert [c.value for c in english[1]][:2] == ["No.", "Unit"] and english["D2"].value == "5 stars"


def test_printable_itinerary_is_a4_and_escapes_data():
    page = visit.build_itinerary_html("观摩行程单", _cards(), 7.64, "2025 年评定结果", "zh")
    assert "size: A4" in page and "Noto Sans CJK SC" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "下一站约 7.6 公里" in page and page.count('class="xv-card"') == 2
    assert '<html lang="zh-CN">' in page and "共 2 站" in page
    english = visit.build_itinerary_html("Visit", _cards(), 7.64, "2025 results", "en")
    assert '<html lang="en">' in english and "next stop about 7.6 km" in english and "2 stops" in english
    assert "下一站" not in english and visit.build_card_html(_cards()[0], "en") in english


def test_a_criterion_adds_a_days_worth_of_stops_in_route_order(app_env):
    at = _open({"r": "4111"})
    at.button(key="visit.editor.apply").click().run()
    at.run()  # the re-ordering rerun
    stops = at.query_params["stops"].split(",")
    assert len(stops) == visit.ADD_AT_ONCE == 12
    con = _con(app_env)
    levels = {
        r[0]
        for r in con.execute(
            f"SELECT level FROM annual_results WHERE year = 2025 AND code IN ({','.join('?' * len(stops))})",
            stops,
        ).fetchall()
    }
    assert levels == {5}  # the default criterion: 五星 units of the scope
    assert all(s.startswith("4111") for s in stops)


def test_route_map_layers_for_the_editor_and_the_phone(app_env):
    codes = _codes(app_env, 4)
    con = _con(app_env)
    data = views.query_visit(con, tuple(codes), 2025)
    legs = visit.compute_legs(data)
    candidates = con.execute(  # the chosen stops and six other units
        "SELECT code, name, 'x' AS township, lon, lat FROM units WHERE code IN (SELECT unnest(?)) "
        "UNION ALL (SELECT code, name, 'x', lon, lat FROM units "
        "WHERE code NOT IN (SELECT unnest(?)) LIMIT 6)",
        [codes, codes],
    ).df()
    editor = visit.build_route_map(data, legs, "zh", candidates=candidates)
    assert [tr.name for tr in editor.data] == ["candidates", "route", "legs", "stops"]
    assert "点击加入路线" in editor.data[0].hovertemplate
    english = visit.build_route_map(data, legs, "en", candidates=candidates).data[0].hovertemplate
    assert "click to add to the route" in english
    assert list(editor.data[2].text) == [f"{km:.1f} km" for km in legs] and len(legs) == 3
    offered = [c[-1] for c in editor.data[0].customdata]
    assert len(offered) == 6 and set(offered).isdisjoint(codes)  # chosen stops are not offered again
    phone = visit.build_route_map(data, legs, "zh", height=300, leg_labels=False)
    assert [tr.name for tr in phone.data] == ["route", "stops"] and phone.layout.height == 300
    assert list(phone.data[1].text) == ["1", "2", "3", "4"]
