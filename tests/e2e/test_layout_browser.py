"""Layouts in real Chromium: the big screen at 16:9, 4K and 32:9, the overview on a phone, and
the figure cards at 1080p.

Measured on what a person sees: text and boxes clipped by a scrolling or hidden-overflow
parent count only as far as they show.
"""

from __future__ import annotations

import pytest

SCREEN = "/screen?r=4111&every=0"  # the city the test store has results for
PANELS = [
    "screen-tiles",
    "screen-ranking",
    "screen-movers",
    "screen-overdue",
    "screen-trend",
    "screen-legend",
]

# Each visible box (element or text) as its rectangle clipped by every ancestor that hides overflow
# (up to the body: the body's and the root's overflow is the window's, checked on its own).
_VISIBLE_JS = """
(() => {
  window.xtVisible = (node) => {
    const el = node.nodeType === 3 ? node.parentElement : node;
    const range = document.createRange();
    if (node.nodeType === 3) range.selectNodeContents(node);
    let r = node.nodeType === 3 ? range.getBoundingClientRect() : el.getBoundingClientRect();
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) return null;
    let box = {l: r.left, t: r.top, r: r.right, b: r.bottom};
    const first = node.nodeType === 3 ? el : el.parentElement;  // a text is clipped by its own element
    for (let a = first; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        const c = a.getBoundingClientRect();
        box = {l: Math.max(box.l, c.left), t: Math.max(box.t, c.top),
               r: Math.min(box.r, c.right), b: Math.min(box.b, c.bottom)};
      }
    }
    return box.r - box.l >= 2 && box.b - box.t >= 2 ? box : null;
  };
})()
"""

_MEASURE_JS = """
(PANELS) => {
  const W = innerWidth, H = innerHeight, small = [], over = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (!n.textContent.trim() || !xtVisible(n)) continue;
    const size = parseFloat(getComputedStyle(n.parentElement).fontSize);
    if (size < 0.016 * H) small.push([n.textContent.trim().slice(0, 30), size]);
  }
  for (const el of document.querySelectorAll('body *')) {
    const b = xtVisible(el);
    if (!b || b.r <= 0 || b.b <= 0 || b.l >= W || b.t >= H) continue;  // nothing of it on the screen
    if (b.l < -1 || b.t < -1 || b.r > W + 1 || b.b > H + 1)
      over.push([el.tagName, el.dataset.testid || String(el.className).slice(0, 40), b]);
  }
  const box = (sel) => {
    const e = document.querySelector(sel);
    return e && e.getBoundingClientRect().toJSON();
  };
  const doc = document.scrollingElement;
  return {small, over, scroll: [doc.scrollWidth, doc.scrollHeight],
          map: box('.st-key-screen-map [data-testid=stPlotlyChart]'),
          legend: box('[data-testid=screen-legend]'),
          pause: box('.st-key-screen-controls button'),
          panels: Object.fromEntries(PANELS.map(id => [id, box(`[data-testid=${id}]`)])),
          chrome: ['stSidebar', 'stHeader', 'stToolbar', 'stStatusWidget'].filter(
            id => [...document.querySelectorAll(`[data-testid=${id}]`)].some(e => e.checkVisibility())),
          clipped: [...document.querySelectorAll(
              '.xs h1, .xs h2, .xs .value, .xs .label, .xs .delta, .xs .name')]
            .filter(e => xtVisible(e) && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)};
}
"""

# Settled: drawn for this window (the band names the size the server drew for) and the map's SVG
# as large as its box (plotly has followed the CSS layout).
_SETTLED_JS = """
([w, h]) => {
  const svg = document.querySelector('.st-key-screen-map .main-svg');
  const box = document.querySelector('.st-key-screen-map [data-testid=stPlotlyChart]');
  if (!svg || !box || !document.querySelector(`[data-viewport="${w}x${h}"]`)) return false;
  if (!document.querySelector('.st-key-screen-map .geolayer path')) return false;
  const s = svg.getBoundingClientRect(), b = box.getBoundingClientRect();
  return document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'
    && b.width > 0 && Math.abs(s.width - b.width) < 2 && Math.abs(s.height - b.height) < 2;
}
"""


def open_screen(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.wait_for_function(_SETTLED_JS, arg=[width, height], timeout=180_000)
    page.evaluate(_VISIBLE_JS)
    return page


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160), (3840, 1080)])
def test_big_screen_uses_the_window_at_each_ratio(browser, server, width, height):
    page = open_screen(browser, server + SCREEN, width, height)
    got = page.evaluate(_MEASURE_JS, PANELS)
    page.close()
    assert got["scroll"] == [width, height]  # the page is exactly the window
    assert got["over"] == []  # nothing reaches past an edge
    assert got["small"] == []  # no text under 1.6 % of the height
    assert got["clipped"] == []  # titles, names and numbers are never cut off
    area = got["map"]["width"] * got["map"]["height"]
    assert area >= 0.35 * width * height, got["map"]
    assert got["legend"]["bottom"] <= height * 0.99  # clear of the bottom edge
    assert got["pause"]["height"] >= 48 and got["pause"]["width"] >= 48
    assert got["chrome"] == []  # no sidebar, header or toolbar
    boxes = {**got["panels"], "map": got["map"]}
    names = list(boxes)
    for i, a in enumerate(names):  # every panel is there, and none covers another
        assert boxes[a] and boxes[a]["height"] > 0, a
        for b in names[i + 1 :]:
            p, q = boxes[a], boxes[b]
            overlap_x = min(p["right"], q["right"]) - max(p["left"], q["left"])
            overlap_y = min(p["bottom"], q["bottom"]) - max(p["top"], q["top"])
            assert overlap_x <= 1 or overlap_y <= 1, (a, b, p, q)


_PHONE_JS = """
() => {
  const cards = [...document.querySelectorAll('[data-testid=stMetric]')].map(e => e.getBoundingClientRect());
  const map = document.querySelector('[data-testid=stPlotlyChart]');
  const main = document.querySelector('[data-testid=stMain]');
  const targets = [...document.querySelectorAll(
      '[data-testid=stMain] button, [data-testid=stHeader] button, [data-testid=stMain] [role=tab],'
      + '[data-testid=stMain] [data-baseweb=select] > div, [data-testid=stMain] [data-baseweb=input]')]
    .filter(e => xtVisible(e)).map(e => e.getBoundingClientRect())
    .filter(r => r.height < 44 || r.width < 44).map(r => [r.width, r.height]);
  return {cards: cards.map(r => [r.left, r.top, r.width]), map: map && map.getBoundingClientRect().top,
          targets, width: [main.scrollWidth, document.scrollingElement.scrollWidth]};
}
"""
_DRAWN_JS = """
(metrics) => document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'
  && document.querySelector('[data-testid=stPlotlyChart] .main-svg')
  && document.querySelectorAll('[data-testid=stMetric]').length >= metrics
"""


def test_phone_pages_lead_with_what_matters_and_fit_a_finger(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    got = {}
    for path, metrics in (("/?r=4111", 6), ("/status", 3)):  # the overview; the page with most tables
        page.goto(server + path)
        page.wait_for_function(_DRAWN_JS, arg=metrics, timeout=180_000)
        page.evaluate(_VISIBLE_JS)
        got[path] = page.evaluate(_PHONE_JS)
    context.close()
    overview = got["/?r=4111"]
    assert overview["map"] < 844 * 0.85  # the map starts well within the first screen
    rows = {}
    for left, top, width in overview["cards"]:
        assert width < 390 / 2  # a grid, not one full-width card per row
        rows.setdefault(round(top), []).append(left)
    assert len(rows) <= (len(overview["cards"]) + 1) // 2, rows  # at least two cards to a row
    for path, measured in got.items():
        assert measured["targets"] == [], path  # buttons, tabs and fields are at least 44 px
        assert measured["width"] == [390, 390], path  # nothing (a table, a chart) widens the page


def test_figure_card_labels_are_whole_at_1080p(browser, server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(server + "/")
    page.wait_for_function(
        """() => document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'
             && document.querySelectorAll('[data-testid=stMetricLabel]').length >= 9""",
        timeout=180_000,
    )
    cut = page.evaluate(
        """() => [...document.querySelectorAll(
              '[data-testid=stMetricLabel] [data-testid=stMarkdownContainer], [data-testid=stMetricValue]')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
    )
    page.close()
    assert cut == []
