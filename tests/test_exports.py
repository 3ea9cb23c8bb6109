"""Table downloads (Excel, CSV) re-read as files, chart PNG settings, and the buttons on every page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from components import table_export, theme
from xingtu.export import file_stem
from xingtu.settings import ROOT
from xingtu.views import ranking as ranking_view

APP = str(ROOT / "app.py")
UNIT = "411102001001"  # 滨西社区, 老街街道, 源汇区


ATTACKS = ["=1+1", "+cmd|' /C calc'!A0", "-2", "@SUM(A1)", "\tx", "\rx"]
FRAME = pd.DataFrame(
    {
        "name": ["新华社区", *ATTACKS, "007"],
        "value": [1.5, -3.25, 0, -2, 7, None, 2.0, 1e6],
        "veto": [True, False, True, False, True, False, True, False],
        "deadline": [dt.date(2025, 5, 2), None, *[dt.date(2025, 6, i) for i in range(1, 7)]],
        "stars": [["支部过硬星", "平安法治星"], [], *[[]] * 6],
        "hidden": list(range(8)),
    }
)
COLUMNS = {"name": "名称", "value": "数值", "veto": "否决项", "deadline": "整改时限", "stars": "已获星"}


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_excel_has_chinese_frozen_header_values_and_no_formula():
    ws = _sheet(table_export.build_xlsx(FRAME, "问题清单:2025/源汇区", COLUMNS))
    assert ws.title == "问题清单_2025_源汇区"
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == list(COLUMNS.values())  # shown names, only the chosen columns
    assert all(c.font.bold for c in ws[1])
    assert ws.max_row == len(FRAME) + 1 and ws.max_column == len(COLUMNS)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0] == ["新华社区", 1.5, "是", dt.datetime(2025, 5, 2), "支部过硬星、平安法治星"]
    # every attack neutralised (XML reads a stored CR back as LF)
    assert [r[0] for r in rows[1:7]] == ["'" + a.replace("\r", "\n") for a in ATTACKS]
    assert rows[7][0] == "007"  # codes stay text, leading zeros kept
    assert [r[1] for r in rows] == [1.5, -3.25, 0, -2, 7, None, 2, 1e6]  # negative numbers stay numbers
    assert rows[1][2] == "否" and rows[1][3] is None
    assert all(isinstance(r[1], int | float) for r in rows if r[1] is not None)
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert ws.column_dimensions["A"].width >= 10  # wide enough for the longest name


def test_csv_is_utf8_with_bom_and_neutralised():
    data = table_export.build_csv(FRAME, COLUMNS)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads Chinese only with the BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(COLUMNS.values())
    assert rows[1] == ["新华社区", "1.5", "是", "2025-05-02", "支部过硬星、平安法治星"]
    assert [r[0] for r in rows[2:8]] == ["'" + a for a in ATTACKS]
    assert [r[1] for r in rows[1:]] == ["1.5", "-3.25", "0.0", "-2.0", "7.0", "", "2.0", "1000000.0"]
    assert rows[2][3] == "" and rows[2][2] == "否"
    assert rows[8][0] == "007"


def test_without_column_names_every_column_under_its_own_name_and_english_booleans():
    header, rows = table_export.compute_table(FRAME[["name", "veto"]], None, lang="en")
    assert header == ["name", "veto"]
    assert rows[0] == ["新华社区", "Yes"] and rows[1] == ["=1+1", "No"]  # neutralised when written
    data = table_export.build_csv(FRAME[["veto"]], {"veto": "Veto"}, lang="en")
    assert data.decode("utf-8-sig").split("\r\n")[:3] == ["Veto", "Yes", "No"]


def test_timestamps_and_missing_values():
    df = pd.DataFrame({"d": pd.to_datetime(["2025-05-02", None]), "n": pd.array([3, None], dtype="Int64")})
    _, rows = table_export.compute_table(df, {"d": "日期", "n": "数"})
    assert rows == [[dt.date(2025, 5, 2), 3], [None, None]]
    ws = _sheet(table_export.build_xlsx(df, "x", {"d": "日期", "n": "数"}))
    assert ws["A2"].is_date and ws["B2"].value == 3 and ws["A3"].value is None


def test_ranking_download_has_the_shown_rows_with_shares_in_percent():
    regions = pd.DataFrame(
        {
            "code": ["411102000000", "411103000000", "411171000000"],
            "name": ["源汇区", "=郾城区", "漯河经济技术开发区"],
            "kind": ["district", "district", "zone"],
            "units": [129, 0, 53],
            "share_ge3": [0.86, None, 1.0],
        }
    )
    table = ranking_view.compute_ranking(regions, "share_ge3", "zh")
    out = ranking_view.compute_table(table, "share_ge3", "zh")
    assert list(out.columns) == ["排名", "名称", "区划代码", "三星及以上占比（%）", "单位数"]
    ws = _sheet(table_export.build_xlsx(out, "排名"))
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert rows == [
        [1, "漯河经济技术开发区（功能区）", "411171000000", 100.0, 53],
        [2, "源汇区", "411102000000", 86.0, 129],
        [None, "'=郾城区", "411103000000", None, 0],  # no units: unranked, last
    ]


def test_file_names_keep_the_title_without_path_characters():
    assert file_stem("源汇区_问题清单（3 项）") == "源汇区_问题清单（3 项）"
    assert file_stem('a/b\\c:d*e?f"g<h>i|j[k]') == "a_b_c_d_e_f_g_h_i_j_k"
    assert file_stem(" ../ ") == "xingtu"


def test_chart_config_offers_only_the_png_camera_named_after_the_chart():
    config = theme.chart_config("源汇区/历年星级结构")
    assert config["displaylogo"] is False
    assert config["displayModeBar"] is not False
    assert config["modeBarButtons"] == [["toImage"]]
    assert config["toImageButtonOptions"] == {"format": "png", "scale": 2, "filename": "源汇区_历年星级结构"}
    assert theme.CHART_CONFIG["toImageButtonOptions"]["filename"] == "xingtu"  # the shared one untouched


def test_the_modebar_is_not_hidden_by_page_css():
    from components import layout

    assert "modebar" not in layout._CSS.lower()


# --- the pages (AppTest) ---------------------------------------------------------------------


def _open(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "app_pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _downloads(at: AppTest) -> list[tuple[str, str]]:
    """(label, key) of every download button; its bytes are deferred (built on click)."""
    out = []
    for d in at.get("download_button"):
        assert d.proto.deferred_file_id and not d.proto.url  # nothing built before a click
        out.append((d.proto.label, d.proto.id.split("-", 2)[-1]))
    return out


def _pairs(downloads: list[tuple[str, str]]) -> set[str]:
    """Keys of tables that offer both Excel and CSV."""
    xlsx = {k.removesuffix(".xlsx") for label, k in downloads if label == "Excel" and k.endswith(".xlsx")}
    return {k for k in xlsx if ("CSV", f"{k}.csv") in downloads}


CASES = [  # page, link, tables expected to download, plotly charts on the page
    ("app_pages/overview.py", {"r": "411102"}, {"rank.411102000000.township.export"}, 1),
    ("app_pages/overview.py", {"r": "4111", "m": "share_ge3"}, {"rank.411100000000.county.export"}, 1),
    ("app_pages/unit.py", {"u": UNIT}, {"unit.matrix", "unit.unmet"}, 2),
    ("app_pages/status.py", {}, {"status.standard", "status.sources"}, 1),
    ("app_pages/trends.py", {"r": "411102", "cmp": "411102,411103"}, {"trends.movers.⬆"}, 5),
    ("app_pages/weak.py", {"r": "4111", "tab": "heat"}, set(), 2),
    ("app_pages/weak.py", {"r": "411102", "tab": "tasks"}, {"weak.tasks.table"}, 1),
    ("app_pages/weak.py", {"r": "4111", "tab": "closest"}, {"weak.closest.411100000000.table"}, 0),
    ("app_pages/weak.py", {"tab": "weak_lax"}, {"weak.weak_lax.410000000000.table"}, 0),
]


@pytest.mark.parametrize(("page", "params", "tables", "n_charts"), CASES)
def test_every_table_downloads_and_every_chart_offers_a_png(app_env, page, params, tables, n_charts):
    at = _open(page, params)
    downloads = _downloads(at)
    assert _pairs(downloads) >= tables
    assert len(at.dataframe) <= len(_pairs(downloads))  # no table without its buttons
    charts = [json.loads(c.proto.config) for c in at.get("plotly_chart")]
    assert len(charts) == n_charts
    for config in charts:
        assert config["displaylogo"] is False and config["modeBarButtons"] == [["toImage"]]
        image = config["toImageButtonOptions"]
        assert image["format"] == "png" and image["scale"] == 2
        assert image["filename"] not in ("", "xingtu", "map") and "/" not in image["filename"]


def test_overview_offers_the_briefing_titled_by_scope(app_env):
    at = _open("app_pages/overview.py", {"r": "411102"})
    assert ("下载县区简报（A4，可打印为 PDF）", "overview.briefing") in _downloads(at)
    at = _open("app_pages/overview.py", {"r": "4111"})
    assert ("下载全市简报（A4，可打印为 PDF）", "overview.briefing") in _downloads(at)
    at = _open("app_pages/overview.py", {"r": "411102", "lang": "en"})
    assert ("County briefing (A4, print to PDF)", "overview.briefing") in _downloads(at)
