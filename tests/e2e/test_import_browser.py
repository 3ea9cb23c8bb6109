"""数据导入 in real Chromium: a bad workbook is rejected with located problems, a good one becomes
a new version the whole dashboard shows, and one click rolls it back."""

from __future__ import annotations

import json

import duckdb

from tests.e2e.conftest import sign_in, wait_for_app
from tests.workbooks import annual_rows, star_names, write_messy_annual


def _upload(page, path) -> None:
    page.locator("input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(500)
    wait_for_app(page)


def test_reject_import_and_roll_back(browser, auth_server, small_store_path, tmp_path):
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        frame, stars = annual_rows(con, 2025, ["411102000000"]), star_names(con)
    good = tmp_path / "源汇区2025.xlsx"
    good.write_bytes(write_messy_annual(frame, stars, 2025))
    broken = frame.copy()
    broken.loc[0, "level"] = 5
    bad = tmp_path / "有错误.xlsx"
    bad.write_bytes(write_messy_annual(broken, stars, 2025))

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    sign_in(page, f"{auth_server.url}/import", "admin")
    assert "v0" in page.inner_text("body")

    _upload(page, bad)
    alert = page.get_by_text("有 1 处问题，未导入")
    alert.wait_for(timeout=60_000)
    grid = page.locator("[data-testid='stDataFrame']").first
    assert grid.is_visible()
    assert page.get_by_role("button", name="下载问题报告（Excel）").is_visible()

    _upload(page, good)
    page.get_by_text("检查通过").wait_for(timeout=60_000)
    assert "以 admin 的名义" in page.inner_text("body")  # who imports is the signed-in admin
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
    events = [json.loads(line) for line in auth_server.audit.read_text(encoding="utf-8").splitlines()]
    mine = [(e["event"], e["user"]) for e in events if e["event"] in ("login", "import", "rollback")]
    assert mine[-3:] == [("login", "admin"), ("import", "admin"), ("rollback", "admin")]
    imported = next(e for e in events if e["event"] == "import")
    assert imported["detail"]["file"] == "源汇区2025.xlsx" and imported["detail"]["version"] == 1


def test_a_county_user_has_no_import_page(browser, auth_server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    sign_in(page, f"{auth_server.url}/import", "yuanhui")
    assert page.get_by_test_id("stSidebarNav").get_by_text("数据导入").count() == 0
    assert page.locator("input[type=file]").count() == 0
    assert "源汇区" in page.get_by_test_id("stSidebar").inner_text()
    page.close()
