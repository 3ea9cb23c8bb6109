"""Hostile data in real Chromium: every imported text and a few names hold script payloads, and
no page runs any of them or turns them into markup.

The store is the small one plus real imports (a problem ledger and pairings, through
``import_bytes``) whose every free-text field, file name and importer name is a payload;
then unit, township, county, star and task names are set to payloads in the version in
force (they come from the reference data, which no import changes). Each page is opened and
its charts and the village layer hovered; after each: no dialog, ``window.__xss`` unset in
every frame, no element of the app with an inline handler or a ``javascript:`` address, no
``img src=x``. Where a name is Markdown to Streamlit (headings, captions, button and expander
labels) the page must show exactly the payload's characters: no bold, no link, no entity.

Every page is opened signed in as the administrator (a page load is a new session), so the
import page, with its importer and file names, is checked too.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from components import village_map
from tests.conftest import SHARE_SECRET, SMALL_COUNTIES, password_of
from tests.e2e.conftest import _serve, wait_for_app
from tests.payloads import patch_text
from tests.workbooks import xlsx
from xingtu.domain.geo import TILE_PX, compute_view
from xingtu.imports import apply
from xingtu.settings import get_settings
from xingtu.store import queries, versions, views
from xingtu.store.paths import store_path

UNIT = "411102001002"  # 源汇区老街街道新华社区
PARTNER = "411102004201"  # 干河陈街道东吴村, paired with it
COUNTY, TOWNSHIP = "411102000000", "411102001000"

# Each sets window.__xss (or opens a dialog) if it runs, and each has Markdown in it too.
UNIT_NAME = '<img src=x onerror="window.__xss=1">**新华**'
PARTNER_NAME = '"><svg onload="window.__xss=2">[东吴](javascript:window.__xss=9)'
TOWNSHIP_NAME = "[老街](javascript:window.__xss=3) _斜_"
COUNTY_NAME = "<script>window.__xss=4</script>**源汇**&lt;b&gt;"
STAR_NAME = '<b onmouseover="window.__xss=5">过硬</b>'
TASK_NAME = '<iframe src="javascript:window.__xss=6"></iframe>任务'
PROBLEM = "<img src=x onerror=alert(1)>问题"
HELPER = "<a href=\"javascript:alert('x')\">帮扶</a>"
MEASURE = '=HYPERLINK("http://x","y") {{7*7}} %{x}'
KIND = '<details open ontoggle="window.__xss=7">联建'
IMPORTER = '[张三](javascript:window.__xss=8)<img src=x onerror="window.__xss=8">'
FILE_NAME = "**台账**<svg onload=alert(2)>"

DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
_PROBE = """() => {
  const found = [];
  const app = document.querySelector("#root") || document.body;
  for (const el of app.querySelectorAll("*")) {
    for (const attr of el.getAttributeNames()) {
      const value = (el.getAttribute(attr) || "").trim().toLowerCase();
      const address = ["href", "src", "action", "formaction"].includes(attr);
      if (attr.startsWith("on") || (address && value.startsWith("javascript:")))
        found.push(el.tagName + " " + attr + "=" + value.slice(0, 60));
    }
  }
  for (const el of app.querySelectorAll('img[src="x"], script:not([src]), iframe[src^="javascript"]'))
    found.push(el.outerHTML.slice(0, 80));
  return {xss: typeof window.__xss === "undefined" ? null : window.__xss, found};
}"""


def _prepare(store_dir: Path, base: Path) -> str:
    """The small store, two imports of payloads, then payload names; returns its own fingerprint."""
    settings = dataclasses.replace(get_settings(), store_dir=store_dir, counties=SMALL_COUNTIES)
    shutil.copyfile(base, store_path(settings))
    ledger = [
        ["单位代码", "年度", "问题描述", "帮扶单位", "整改措施", "整改时限", "整改状态"],
        [UNIT, 2025, PROBLEM, HELPER, MEASURE, "2025-01-31", "整改中"],
        [UNIT, 2025, MEASURE, PROBLEM, HELPER, "2030-12-31", "未启动"],
        [PARTNER, 2025, HELPER, MEASURE, PROBLEM, "2025-02-28", "整改中"],
    ]
    ledger_csv = io.StringIO()
    csv.writer(ledger_csv).writerows(ledger)  # CSV: in a workbook a cell "=…" is a formula
    pairs = [["帮带单位代码", "受帮带单位代码", "联建类型"], [UNIT, PARTNER, KIND]]
    files = (
        (ledger_csv.getvalue().encode("utf-8"), f"{FILE_NAME}.csv", "problems", IMPORTER),
        (xlsx(pairs), f"{FILE_NAME}.xlsx", "pairings", IMPORTER),
    )
    for data, name, kind, user in files:
        checked, version = apply.import_bytes(data, name, kind, user=user, settings=settings)
        assert version is not None, checked.problems
    fingerprint = f"xss-{uuid.uuid4().hex[:12]}"  # static files of its own, removed afterwards
    with duckdb.connect(str(versions.active_path(settings))) as con:
        patch_text(con, UNIT_NAME, [UNIT])
        patch_text(con, PARTNER_NAME, [PARTNER])
        con.execute("UPDATE regions SET name = ? WHERE code = ?", [TOWNSHIP_NAME, TOWNSHIP])
        con.execute("UPDATE regions SET name = ? WHERE code = ?", [COUNTY_NAME, COUNTY])
        star = con.execute("SELECT min(star_id) FROM stars").fetchone()[0]
        con.execute("UPDATE stars SET star_name = ? WHERE star_id = ?", [STAR_NAME, star])
        con.execute("UPDATE tasks SET name = ?", [TASK_NAME])
        con.execute("UPDATE meta SET value = ? WHERE key = 'fingerprint'", [fingerprint])
    return fingerprint


@pytest.fixture(scope="module")
def hostile(small_store_path, tmp_path_factory, users_file) -> Iterator[str]:
    """The app with accounts on a store full of payloads; its address."""
    store_dir = tmp_path_factory.mktemp("xss-store")
    _prepare(store_dir, small_store_path)
    env = {
        "XINGTU_USERS_FILE": str(users_file),  # an administrator sees every page, the import page too
        "XINGTU_SHARE_SECRET": SHARE_SECRET,
        "XINGTU_AUDIT_FILE": str(store_dir / "audit.jsonl"),
    }
    log = tmp_path_factory.mktemp("xss-log") / "streamlit.log"
    yield from _serve(store_dir, log, env)  # its map files stay in its own store folder


def _assert_inert(page, dialogs: list[str], where: str) -> None:
    # an onerror fires once a broken image has failed to load: wait until every image has
    page.wait_for_function("[...document.images].every((i) => i.complete)", timeout=10_000)
    assert not dialogs, f"{where}: a dialog opened: {dialogs}"
    for frame in page.frames:
        try:
            seen = frame.evaluate(_PROBE)
        except Exception as exc:  # a frame replaced while the page redraws
            if "detached" in str(exc) or "destroyed" in str(exc):
                continue
            raise
        assert seen["xss"] is None, f"{where}: a payload ran (window.__xss={seen['xss']}) in {frame.url}"
        assert not seen["found"], f"{where}: injected into {frame.url}: {seen['found']}"
    assert not page.get_by_test_id("stException").count(), where


def _hover_plots(page) -> list[str]:
    """Hover shapes of each plotly chart so its hover labels (names are data) are drawn; their texts."""
    texts: list[str] = []
    for chart in page.locator("[data-testid='stPlotlyChart']").all()[:3]:
        shapes = chart.locator(
            ".choroplethlayer path, .scattergeo path.point, .bars path, .heatmaplayer image"
        )
        for shape in shapes.all()[:4]:
            try:
                shape.hover(force=True, timeout=2000)
            except Exception:  # a shape outside the drawn area
                continue
            try:  # a shape with no hover label (a gap between shapes) draws none
                page.wait_for_selector(".hoverlayer .hovertext", timeout=1000)
            except PlaywrightTimeout:
                continue
            texts += page.locator(".hoverlayer .hovertext").all_text_contents()
    return texts


def _deck_offset(con: duckdb.DuckDBPyConnection, code: str) -> tuple[float, float]:
    """Where the village layer draws a unit at township scope, in px from the canvas centre."""
    scope = views.query_overview(con, queries.Scope(TOWNSHIP), 2025, "county")
    view = compute_view(scope.bounds, village_map.WIDTH_GUESS, village_map.HEIGHT)
    unit = scope.units[scope.units["code"] == code].iloc[0]
    px_per_degree = TILE_PX * 2**view.zoom / 360

    def merc(lat: float) -> float:
        return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))

    return (unit.lon - view.lon) * px_per_degree, (merc(view.lat) - merc(unit.lat)) * px_per_degree


def _deck_tooltip(page, offset: tuple[float, float]) -> dict | None:
    """Hover the village layer at ``offset`` from its centre; the tooltip's text and its tags."""
    box = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.bounding_box()
    x, y = box["x"] + box["width"] / 2 + offset[0], box["y"] + box["height"] / 2 + offset[1]
    for dx, dy in ((0, 0), (1, 0), (0, 1), (-1, 0), (0, -1), (2, 2), (-2, -2), (2, -2), (-2, 2)):
        page.mouse.move(x + dx, y + dy)
        try:  # deck.gl picks on the next frame: poll for the tooltip, then try the next pixel
            return page.wait_for_function(
                """() => { const t = document.querySelector('.deck-tooltip');
                  return t && t.style.display !== 'none' && t.innerText
                    ? {text: t.innerText, tags: [...t.querySelectorAll('*')].map(e => e.tagName)} : null }""",
                timeout=500,
            ).json_value()
        except PlaywrightTimeout:
            continue
    return None


@pytest.mark.heavy
def test_payloads_in_every_imported_field_render_inertly(browser, hostile, small_con):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)

    def visit(path: str, hover: bool = False, ready: str | None = None) -> list[str]:
        page.goto(f"{hostile}/{path}")  # a new session; the sign-in page only the first time (cookie)
        if urlsplit(page.url).path == "/auth/signin":
            page.get_by_label("账号").fill("admin")
            page.get_by_label("密码").fill(password_of("admin"))
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(lambda u: urlsplit(u).path != "/auth/signin", timeout=120_000)
        if ready:  # a page without the sidebar (the big screen, a shared route)
            page.wait_for_selector(ready, timeout=120_000)
            page.wait_for_selector(DONE, timeout=60_000)
        else:
            wait_for_app(page)
        assert not page.get_by_label("密码").count(), "the sign-in did not go through"
        texts = []
        if hover:
            page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
            texts = _hover_plots(page)
        _assert_inert(page, dialogs, path)
        return texts

    # the unit: its name a heading; its place, a payload-named partner; payload ledger and stars
    visit(f"unit?u={UNIT}", hover=True)
    assert page.get_by_role("heading", level=2).first.inner_text() == UNIT_NAME
    body = page.inner_text("body")
    for text in (COUNTY_NAME, TOWNSHIP_NAME, PARTNER_NAME):  # the caption, a pairing's button
        assert text in body, text

    # found by name: the matches list payload names
    page.get_by_label("查找村（社区）").fill("新华")
    page.keyboard.press("Enter")
    matches = page.get_by_test_id("stSelectbox").filter(has_text="找到")
    matches.wait_for(timeout=60_000)
    wait_for_app(page)
    matches.click()
    assert any(UNIT_NAME in option for option in page.get_by_role("option").all_inner_texts())
    _assert_inert(page, dialogs, "unit search, the matches open")
    page.keyboard.press("Escape")

    # the overview: a payload county on the map (its hover label) and in the ranking
    hovers = visit("?r=4111", hover=True)
    assert any(COUNTY_NAME in text for text in hovers), hovers
    page.set_viewport_size({"width": 2300, "height": 1000})  # the village layer as wide as planned
    visit(f"?r={TOWNSHIP}", hover=True)  # payload units as dots; the county a breadcrumb button
    assert COUNTY_NAME in page.inner_text("body") and TOWNSHIP_NAME in page.inner_text("body")
    page.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", timeout=60_000)
    tip = _deck_tooltip(page, _deck_offset(small_con, UNIT))  # Streamlit fills in the name escaped
    assert tip and UNIT_NAME in tip["text"] and TOWNSHIP_NAME in tip["text"], tip
    assert set(tip["tags"]) <= {"B", "BR"}, tip
    _assert_inert(page, dialogs, "village layer tooltip")
    page.set_viewport_size({"width": 1600, "height": 1000})

    visit("weak?r=4111", hover=True)  # heat maps of payload star and task names
    visit("weak?r=4111&tab=tasks", hover=True)
    visit(f"weak?r={COUNTY}&tab=closest")
    visit("trends?r=4111&cmp=411102,411103", hover=True)
    visit("status")
    visit(f"visit?stops={UNIT},{PARTNER}", hover=True)  # the cards: names, pairing kind
    assert UNIT_NAME in page.inner_text("body") and KIND in page.inner_text("body")
    visit(f"visit?stops={UNIT},{PARTNER}&share=1", ready="[data-testid='stExpander']")
    assert f"1. {UNIT_NAME}" in page.get_by_test_id("stExpander").first.inner_text()
    page.get_by_test_id("stExpander").first.click()
    _assert_inert(page, dialogs, "shared route, a card opened")
    visit("screen?r=4111&every=0", ready="[data-testid='screen-tiles']")
    assert COUNTY_NAME in page.get_by_test_id("screen-ranking").inner_text()

    visit("import")  # importer and file names: the administrator's page
    assert IMPORTER in page.inner_text("body") and FILE_NAME in page.inner_text("body")
    page.get_by_role("tab", name="数据版本").click()
    _assert_inert(page, dialogs, "import: versions")
    page.close()
