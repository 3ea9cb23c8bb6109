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
from tests.e2e.conftest import _serve, sign_in, wait_for_app
from tests.workbooks import annual_rows, star_names, write_messy_annual
from xingtu.imports.apply import import_bytes
from xingtu.settings import get_settings

YUANHUI, YANCHENG, ZONE = SMALL_COUNTIES
UNIT = "411102001001"  # 滨西社区, 源汇区
# page path, link parameters, whether the page names what is not imported
PAGES = [
    ("", "r=4111", True),
    ("trends", "r=4111", True),
    ("unit", f"u={UNIT}", True),
    ("weak", "r=4111", True),
    ("status", "", True),
    ("visit", "r=4111", True),
    ("import", "", False),
    ("access", "", False),
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


def _open_screen(page, url: str) -> str:
    page.goto(url)
    page.get_by_test_id("screen-tiles").wait_for(timeout=90_000)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .geolayer", timeout=60_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
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


def test_an_empty_deployment_names_what_is_missing_and_fills_in_as_counties_import(
    browser, empty_server, small_store_path, tmp_path
):
    url, store = empty_server
    shots = _shots(tmp_path)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    sign_in(page, f"{url}/?r=4111", "admin")
    for path, params, says in PAGES:
        page.goto(f"{url}/{path}?{params}")
        wait_for_app(page)
        if path == "":
            page.locator("button[data-code]").first.wait_for(timeout=60_000)
        body = _no_error(page)
        assert "本数据集尚无任何评定结果" in body, path  # the frame says so on every page
        assert "样例数据" not in body, path
        if says:
            assert "未导入" in body, (path, body[:800])
    # the overview: every county greyed on the map with a legend entry, 未导入 in the ranking
    page.goto(f"{url}/?r=4111&y=2025")
    wait_for_app(page)
    rows = _ranking(page)
    assert set(rows) == set(SMALL_COUNTIES) and all("未导入" in text for text in rows.values()), rows
    assert "未导入" in page.get_by_test_id("map-legend").inner_text()
    assert "尚无任何年度的数据" in page.locator("[data-testid='stSidebar']").inner_text()
    for width, height in SHOT_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(500)  # the layout reflows; nothing reruns
        page.screenshot(path=str(shots / f"empty-overview-{width}x{height}.png"), full_page=True)
    page.set_viewport_size({"width": 1920, "height": 1080})
    # the big screen: the counties still missing, greyed map, no numbers made up
    for width, height in ((1920, 1080), (3840, 2160)):
        screen = context.new_page()
        screen.set_viewport_size({"width": width, "height": height})
        body = _open_screen(screen, f"{url}/screen?r=4111&every=0")
        assert "未导入的县（区）（3）" in body and "尚无已导入的评定结果" in body, body[:800]
        assert "未导入" in screen.get_by_test_id("screen-legend").inner_text()
        screen.screenshot(path=str(shots / f"empty-screen-{width}x{height}.png"))
        screen.close()

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

    page.goto(f"{url}/?r=4111&y=2025")
    wait_for_app(page)
    rows = _ranking(page)
    assert "未导入" not in rows[YUANHUI] and "未导入" in rows[YANCHENG] and "未导入" in rows[ZONE], rows
    page.goto(f"{url}/?r=411102&y=2025")
    wait_for_app(page)
    body = _no_error(page)
    assert "尚未导入评定结果" not in body and "样例数据" not in body
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
    page.goto(f"{url}/status")
    wait_for_app(page)
    _no_error(page)
    page.get_by_text("覆盖情况").first.wait_for(timeout=60_000)
    assert "已导入 1 / 3 个县区" in page.inner_text("body")
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
