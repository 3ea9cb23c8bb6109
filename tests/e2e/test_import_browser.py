"""数据导入 in real Chromium: a bad workbook is rejected with located problems, a good one becomes
a new version the whole dashboard shows, and one click rolls it back."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from tests.conftest import password_of
from tests.e2e.conftest import a_run, sign_in, wait_for_app
from tests.workbooks import annual_rows, star_names, stars_by_type, write_county_workbook, write_messy_annual


def _upload(page, path) -> None:
    """Upload on the 导入文件 tab (the 任务清单 tab has an uploader of its own).

    First the previous run must end: while a run draws, the last run's uploader is still on the
    page beside the new one (two matches)."""
    wait_for_app(page)
    page.get_by_label("上传 .xlsx、.xls 或 .csv（UTF-8 或 GBK）").get_by_test_id(
        "stFileUploaderDropzoneInput"
    ).set_input_files(str(path))
    # callers wait for what the check shows (problems, 检查通过, 识别结果): no fixed pause here


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
    wait_for_app(page)  # the alert comes first; the rest of the run draws the table and the button
    grid = page.locator("[data-testid='stDataFrame']").first
    assert grid.is_visible()
    assert page.get_by_role("button", name="下载问题报告（Excel）").is_visible()

    _upload(page, good)
    page.get_by_text("检查通过").wait_for(timeout=60_000)
    wait_for_app(page)  # the rest of the run draws who imports and the button
    assert "以 admin 的名义" in page.inner_text("body")  # who imports is the signed-in admin
    page.get_by_role("button", name="导入为新版本").click()
    page.get_by_test_id("sample-badge").filter(has_text="含样例数据").wait_for(timeout=60_000)
    assert "数据版本 v1" in page.get_by_test_id("sample-badge").inner_text()

    page.get_by_role("tab", name="数据版本").click()
    with a_run(page):  # the badge before the rollback also says 样例数据: wait for the run itself
        page.get_by_role("button", name="回退到上一版本").click()
    # the rollback may take a second run to show: wait until the badge says v0's plain 样例数据
    page.get_by_test_id("sample-badge").filter(has_text="样例数据").filter(has_not_text="含样例数据").wait_for(
        timeout=60_000
    )
    wait_for_app(page)
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


def _year_options(page) -> list[str]:
    """The options of the sidebar's 评定年度 choice, as the user sees them when opening it."""
    box = page.get_by_test_id("stSelectbox").filter(has_text="评定年度")
    box.click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=30_000)
    texts = options.all_inner_texts()
    page.keyboard.press("Escape")
    return [t.strip() for t in texts]


@pytest.mark.heavy  # a minute (every page, twice); import and rollback stay in the default run above
def test_a_next_year_workbook_adds_the_year_everywhere_and_rollback_removes_it(
    browser, auth_server, small_store_path, tmp_path
):
    """2026 results as a county sends them: year and county only in the title, two sheets, no codes."""
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        frame = annual_rows(con, 2025, ["411102000000"])
        data = write_county_workbook(frame, stars_by_type(con), 2026, "源汇区")
    path = tmp_path / "关于报送2026年度五星支部评定结果的通知（源汇区）.xlsx"
    path.write_bytes(data)

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    sign_in(page, f"{auth_server.url}/import", "admin")
    _upload(page, path)
    understood = page.locator(".st-key-import-understood")
    understood.get_by_text("年度 2026（取自标题）").wait_for(timeout=60_000)
    text = understood.inner_text()
    assert "县区 源汇区（取自标题）" in text, text
    assert "工作表 农村 110 行、城市社区 19 行" in text, text
    assert "新增年度 2026" in text and "未读取工作表“填表说明”" in text, text
    page.get_by_role("button", name="导入为新版本").click()
    page.get_by_text(re.compile(r"当前显示：v[1-9]")).wait_for(
        timeout=60_000
    )  # v1, or later after other tests

    # a reload asks for the password again (sessions live in the websocket), so each page signs in
    sign_in(page, f"{auth_server.url}/?r=411102", "admin")
    assert "2026" in _year_options(page)
    sign_in(page, f"{auth_server.url}/?r=411102&y=2026", "admin")
    assert "Traceback" not in page.inner_text("body")
    sign_in(page, f"{auth_server.url}/trends?r=411102", "admin")
    page.locator("[data-testid='stPlotlyChart']").first.wait_for(timeout=60_000)
    charts = page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => JSON.stringify(p.data || []))"
    )
    assert any("2026" in c for c in charts), "trends do not show 2026"
    screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    screen.goto(f"{auth_server.url}/screen?r=411102&every=0")
    screen.get_by_label("账号").fill("admin")
    screen.get_by_label("密码").fill(password_of("admin"))
    screen.get_by_role("button", name="登录").click()
    screen.get_by_test_id("screen-tiles").wait_for(timeout=90_000)
    screen.locator(".xs-band .meta").filter(has_text="2026 年").wait_for(timeout=60_000)  # the year shown
    assert "2026" in screen.get_by_test_id("screen-trend").inner_text()  # and in the year-on-year strip
    screen.close()

    sign_in(page, f"{auth_server.url}/import", "admin")
    page.get_by_role("tab", name="数据版本").click(timeout=90_000)
    page.get_by_role("button", name="回退到上一版本").click()
    page.get_by_text("当前显示：v0").wait_for(timeout=60_000)
    sign_in(page, f"{auth_server.url}/?r=411102", "admin")
    assert "2026" not in _year_options(page)
    page.close()
