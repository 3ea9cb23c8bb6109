"""Exports in real Chromium: the briefing prints on one A4 page; the downloads a user clicks
(briefing, ranking Excel, a chart's PNG) arrive with the right names and contents."""

from __future__ import annotations

import dataclasses
import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from components import briefing
from tests.e2e.conftest import wait_for_app
from xingtu.store import queries as q
from xingtu.store import views


def _pages(pdf: bytes) -> int:
    """Pages in a Chromium PDF: its page objects (``/Type /Page``, not the ``/Pages`` tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def _render(browser, doc: str, png: Path | None = None) -> bytes:
    page = browser.new_page()
    page.set_content(doc)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    if png is not None:
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        page.emulate_media(media="print")
        page.screenshot(path=str(png), full_page=True)
    page.close()
    return pdf


def _long(brief: views.Briefing) -> views.Briefing:
    """The same page with every text at its longest: names, tasks and problems that need cutting."""
    long = "很长的名称" * 12
    return dataclasses.replace(
        brief,
        path=[*brief.path[:-1], "漯河经济技术开发区东城产业集聚区管理委员会"],
        weakest=brief.weakest.assign(task_name=long, star_name=long),
        overdue=brief.overdue.assign(name=long, township=long, problem=long * 3, helper=long),
    )


@pytest.mark.parametrize(
    ("region", "lang"),
    [("411102000000", "zh"), ("411171000000", "zh"), ("411100000000", "zh"), ("410000000000", "en")],
)
def test_the_briefing_prints_on_one_a4_page(browser, small_con, region, lang, tmp_path):
    shots = Path(os.environ.get("XINGTU_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    brief = views.query_briefing(small_con, q.Scope(region), 2025)
    pdf = _render(browser, briefing.build_briefing_html(brief, lang), shots / f"briefing-{region}-{lang}.png")
    assert pdf.startswith(b"%PDF") and _pages(pdf) == 1
    (shots / f"briefing-{region}-{lang}.pdf").write_bytes(pdf)
    assert _pages(_render(browser, briefing.build_briefing_html(_long(brief), lang))) == 1


def test_the_page_count_is_really_checked(browser, small_con):
    """Three times the overdue rows cannot fit: the check that finds one page finds two here."""
    brief = views.query_briefing(small_con, q.Scope("411102000000"), 2025)
    over = dataclasses.replace(brief, overdue=pd.concat([brief.overdue] * 3, ignore_index=True))
    assert len(over.overdue) >= 30
    assert _pages(_render(browser, briefing.build_briefing_html(over, "zh"))) >= 2


def test_downloads_from_the_overview(browser, server, small_con, tmp_path):
    shots = Path(os.environ.get("XINGTU_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page.goto(f"{server}/?r=411102")
    wait_for_app(page)

    with page.expect_download(timeout=60_000) as got:
        page.get_by_role("button", name=re.compile("下载县区简报")).click()
    assert got.value.suggested_filename == "源汇区_县区简报_2025.html"
    doc = Path(got.value.path()).read_text(encoding="utf-8")
    assert "<title>源汇区五星支部创建简报</title>" in doc and "样例数据" in doc
    assert _pages(_render(browser, doc, shots / "briefing-downloaded.png")) == 1

    with page.expect_download(timeout=60_000) as got:
        page.get_by_role("button", name="Excel").click()
    assert got.value.suggested_filename == "源汇区_乡镇（街道）排名_2025.xlsx"
    ws = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active
    assert ws.freeze_panes == "A2" and [c.value for c in ws[1]] == [
        "排名",
        "名称",
        "区划代码",
        "平均星数",
        "单位数",
    ]
    expected = dict(
        small_con.execute(
            """SELECT rpad(left(code, 9), 12, '0'), count(*) FROM annual_results
               WHERE year = 2025 AND code LIKE '411102%' GROUP BY 1"""
        ).fetchall()
    )
    assert {r[2]: r[4] for r in ws.iter_rows(min_row=2, values_only=True)} == expected

    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.hover()
    with page.expect_download(timeout=60_000) as got:
        chart.locator(".modebar-btn[data-title]").first.click()  # the only button: the camera
    assert got.value.suggested_filename == "源汇区_星级密度地图_平均星数_2025.png"
    assert Path(got.value.path()).read_bytes().startswith(b"\x89PNG")
    assert page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").count() == 1
    page.close()
