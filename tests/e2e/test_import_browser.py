"""数据导入 in real Chromium: a bad workbook is rejected with located problems, a good one becomes
a new version the whole dashboard shows, and one click rolls it back."""

from __future__ import annotations

import duckdb

from tests.e2e.conftest import wait_for_app
from tests.workbooks import annual_rows, star_names, write_messy_annual


def _upload(page, path) -> None:
    page.locator("input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(500)
    wait_for_app(page)


def test_reject_import_and_roll_back(browser, server, small_store_path, tmp_path):
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        frame, stars = annual_rows(con, 2025, ["411102000000"]), star_names(con)
    good = tmp_path / "源汇区2025.xlsx"
    good.write_bytes(write_messy_annual(frame, stars, 2025))
    broken = frame.copy()
    broken.loc[0, "level"] = 5
    bad = tmp_path / "有错误.xlsx"
    bad.write_bytes(write_messy_annual(broken, stars, 2025))

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/import")
    wait_for_app(page)
    assert "v0" in page.inner_text("body")

    _upload(page, bad)
    alert = page.get_by_text("有 1 处问题，未导入")
    alert.wait_for(timeout=60_000)
    grid = page.locator("[data-testid='stDataFrame']").first
    assert grid.is_visible()
    assert page.get_by_role("button", name="下载问题报告（Excel）").is_visible()

    _upload(page, good)
    page.get_by_text("检查通过").wait_for(timeout=60_000)
    apply = page.get_by_role("button", name="导入为新版本")
    assert apply.is_disabled()  # who imports is recorded: no name, no import
    page.get_by_label("导入人（记入版本记录）").fill("测试员")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="导入为新版本").click()
    page.get_by_test_id("sample-badge").filter(has_text="含样例数据").wait_for(timeout=60_000)
    assert "数据版本 v1" in page.get_by_test_id("sample-badge").inner_text()

    page.get_by_role("tab", name="数据版本").click()
    page.get_by_role("button", name="回退到上一版本").click()
    page.get_by_test_id("sample-badge").filter(has_text="样例数据").wait_for(timeout=60_000)
    wait_for_app(page)
    assert "含样例数据" not in page.get_by_test_id("sample-badge").inner_text()
    assert "当前显示：v0" in page.inner_text("body")
    assert "Traceback" not in page.inner_text("body")
    page.close()
