"""A real-data-only deployment in Chromium: XINGTU_DATASET=empty, then one county imported.

Every page and the big screen render without an error and name the regions not imported
(未导入); after one county's annual workbook goes through the importer, that county shows its
levels and the coverage view (数据概况 › 覆盖情况) lists it. Screenshots of the empty overview
and big screen go to ``XINGTU_SHOTS`` (default: the test's temporary folder) to be looked at.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SHARE_SECRET, SMALL_COUNTIES
from tests.e2e.conftest import _serve, sign_in
from tests.workbooks import annual_rows, star_names, write_messy_annual
from xingtu.imports.apply import import_bytes
from xingtu.settings import get_settings

YUANHUI, YANCHENG, ZONE = SMALL_COUNTIES
UNIT = "411102001001"  # 滨西社区, 源汇区
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# sidebar link, url path, text (or selector) only that page shows, whether it names what is missing
PAGES = [
    ("进度趋势", "trends", "尚未导入任何年度的评定结果", True),
    ("村级画像", "unit", "滨西社区尚未导入任何年度的评定结果", True),
    ("短板分析", "weak", "尚未导入评定结果", True),
    ("数据概况", "status", "便于催报", True),
    ("观摩路线", "visit", "尚未导入评定结果", True),
    ("数据导入", "import", "数据导入与版本", False),
    ("访问与审计", "access", "访问与审计", False),
    ("全省概览", "", "[data-testid='map-legend']", True),
]
SHOT_SIZES = [(1920, 1080), (390, 844), (3840, 2160)]


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory, users_file: Path) -> Iterator[tuple[str, Path]]:
    store = tmp_path_factory.mktemp("e2e-empty-store")
    log = tmp_path_factory.mktemp("e2e-empty-log") / "streamlit.log"
    env = {
        "XINGTU_DATASET": "empty",
        "XINGTU_USERS_FILE": str(users_file),
        "XINGTU_SHARE_SECRET": SHARE_SECRET,
        "XINGTU_AUDIT_FILE": str(store / "audit.jsonl"),
    }
    for url in _serve(store, log, env):
        yield url, store


def _shots(tmp_path: Path) -> Path:
    shots = Path(os.environ.get("XINGTU_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def _no_error(page) -> str:
    body = page.inner_text("body")
    assert page.locator("[data-testid='stException']").count() == 0, body[:500]
    assert "Traceback" not in body and "本页暂时无法显示" not in body, body[:500]
    return body


def _go(page, link: str, path: str, marker: str) -> str:
    """Open a page from the sidebar (the session, and its sign-in, stay); its text once drawn."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=link, exact=True).click()
    page.wait_for_url(lambda u: u.split("?")[0].rstrip("/").endswith(f"/{path}".rstrip("/")), timeout=60_000)
    main = page.locator("[data-testid='stMain']")  # not the sidebar's links, not the page before's text
    (main.locator(marker) if marker.startswith("[") else main.get_by_text(marker)).first.wait_for(
        timeout=120_000
    )
    page.wait_for_selector(DONE, timeout=60_000)
    return _no_error(page)


def _wait_laid_out(page, width: int) -> None:
    """Poll until the page is laid out for ``width``: the document has that width and every plotly
    chart fills its container (charts redraw after a resize)."""
    page.wait_for_function(
        """w => document.documentElement.clientWidth === w &&
             Array.from(document.querySelectorAll('.js-plotly-plot .main-svg')).every(svg => {
               const box = svg.closest('[data-testid=stPlotlyChart]');
               return !box || Math.abs(svg.getBoundingClientRect().width - box.getBoundingClientRect().width) < 2;
             })""",
        arg=width,
        timeout=30_000,
    )


def _open_screen(page, size: tuple[int, int]) -> str:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.get_by_test_id("screen-tiles").wait_for(timeout=90_000)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .geolayer", timeout=60_000)
    page.wait_for_selector(DONE, timeout=60_000)
    _wait_laid_out(page, size[0])  # the reported window size may redraw the map once
    page.wait_for_selector(DONE, timeout=60_000)
    return _no_error(page)


def _ranking(page) -> dict[str, str]:
    """The overview ranking as drawn: region code -> the row's text."""
    page.locator("button[data-code]").first.wait_for(timeout=60_000)
    return {b.get_attribute("data-code"): b.inner_text() for b in page.locator("button[data-code]").all()}


def _download_csv(page, container: str) -> list[dict[str, str]]:
    with page.expect_download(timeout=60_000) as got:
        page.locator(container).get_by_role("button", name="CSV").click()
    text = Path(got.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.heavy  # a server of its own; the empty store is walked in AppTest (test_empty_dataset)
def test_an_empty_deployment_names_what_is_missing_and_fills_in_as_counties_import(
    browser, empty_server, small_store_path, tmp_path
):
    url, store = empty_server
    shots = _shots(tmp_path)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    sign_in(page, f"{url}/?r=4111&y=2025&u={UNIT}&every=0", "admin")
    for link, path, marker, says in PAGES:
        body = _go(page, link, path, marker)
        assert "本数据集尚无任何评定结果" in body, path  # the frame says so on every page
        assert "样例数据" not in body, path
        if says:
            assert "未导入" in body, (path, body[:800])
    # the overview: every county greyed on the map with a legend entry, 未导入 in the ranking
    rows = _ranking(page)
    assert set(rows) == set(SMALL_COUNTIES) and all("未导入" in text for text in rows.values()), rows
    assert "未导入" in page.get_by_test_id("map-legend").inner_text()
    assert "尚无任何年度的数据" in page.locator("[data-testid='stSidebar']").inner_text()
    for width, height in SHOT_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        _wait_laid_out(page, width)  # the layout reflows; nothing reruns
        page.screenshot(path=str(shots / f"empty-overview-{width}x{height}.png"), full_page=True)
    page.set_viewport_size({"width": 1920, "height": 1080})
    # the big screen: the counties still missing, greyed map, no numbers made up
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="数据大屏").click()
    for size in ((1920, 1080), (3840, 2160)):
        body = _open_screen(page, size)
        assert "未导入的县（区）（3）" in body and "尚无已导入的评定结果" in body, body[:800]
        assert "未导入" in page.get_by_test_id("screen-legend").inner_text()
        page.screenshot(path=str(shots / f"empty-screen-{size[0]}x{size[1]}.png"))
    context.close()

    # one county sends its annual workbook; it goes through the importer as an upload would
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        frame = annual_rows(con, 2025, [YUANHUI])
        workbook = write_messy_annual(frame, star_names(con), 2025)
    settings = dataclasses.replace(get_settings(), store_dir=store, counties=SMALL_COUNTIES, dataset="empty")
    checked, version = import_bytes(
        workbook, "源汇区2025年度评定结果.xlsx", "annual", user="admin", settings=settings
    )
    assert version is not None, checked
    levels = frame["level"].value_counts().to_dict()

    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    sign_in(page, f"{url}/?r=4111&y=2025", "admin")
    rows = _ranking(page)
    assert "未导入" not in rows[YUANHUI] and "未导入" in rows[YANCHENG] and "未导入" in rows[ZONE], rows
    sign_in(page, f"{url}/?r=411102&y=2025", "admin")
    body = _no_error(page)
    assert "尚未导入评定结果" not in body and "样例数据" not in body
    page.get_by_test_id("stMetric").filter(has_text="村（社区）总数").wait_for(timeout=60_000)
    cards = {
        m.get_by_test_id("stMetricLabel").inner_text().split(" · ")[0]: m.get_by_test_id(
            "stMetricValue"
        ).inner_text()
        for m in page.get_by_test_id("stMetric").all()
    }
    assert cards["村（社区）总数"] == f"{len(frame):,}", cards
    for level, name in ((5, "五星"), (4, "四星"), (3, "三星"), (0, "未评星")):
        assert cards[name] == f"{levels.get(level, 0):,}", (name, cards)
    page.screenshot(path=str(shots / "imported-county-overview-1920x1080.png"))

    # the coverage view lists the county (and who imported it); the others are still to chase
    body = _go(page, "数据概况", "status", "便于催报")
    assert "已导入 1 / 3 个县区" in body, body[:1500]
    matrix = {r["代码"]: r for r in _download_csv(page, ".st-key-status-coverage-matrix-export")}
    assert (
        matrix[YUANHUI]["2025"].startswith(f"已导入 {len(frame):,}/") and "admin" in matrix[YUANHUI]["2025"]
    )
    assert matrix[YUANHUI]["2024"] == matrix[YANCHENG]["2025"] == matrix[ZONE]["2025"] == "未导入"
    details = _download_csv(page, ".st-key-status-coverage-details-export")
    assert [(d["县（区）"], d["文件"], d["导入人"]) for d in details] == [
        ("源汇区", "源汇区2025年度评定结果.xlsx", "admin")
    ], details
    page.screenshot(path=str(shots / "coverage-1920x1080.png"), full_page=True)
    context.close()
