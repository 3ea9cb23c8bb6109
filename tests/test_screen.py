"""The big screen's pure parts: playlist, scale, tiles and their HTML (templates, escaped).

The ranked lists it shows are views: tests/test_views_ranking.py and tests/test_views_movers.py."""

from __future__ import annotations

import pandas as pd
import pytest

from components import screen
from xingtu.views.headline import compute_headline

REGIONS = pd.DataFrame(
    {
        "code": ["41", "4101", "4102", "410102", "410102001"],
        "parent_code": [None, "41", "41", "4101", "410102"],
        "level": ["province", "city", "city", "county", "township"],
    }
)


@pytest.mark.parametrize(
    ("play", "region", "expected"),
    [
        ((), "41", ["41", "4101", "4102"]),  # the province, then each city
        ((), "4101", ["4101", "410102"]),  # a city, then each county
        ((), "410102", ["410102"]),  # townships are not shown in turn
        (("4102", "4101"), "41", ["4102", "4101"]),  # the link's list, in its order
    ],
)
def test_playlist_is_the_link_or_the_scope_then_its_children(play, region, expected):
    assert screen.compute_playlist(play, region, REGIONS) == expected


@pytest.mark.parametrize(
    ("position", "length", "expected"), [(0, 3, 1), (2, 3, 0), (5, 3, 0), (-1, 3, 0), (0, 1, 0), (0, 0, 0)]
)
def test_next_position_wraps_and_recovers(position, length, expected):
    assert screen.compute_next(position, length) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ([3840, 2160], (3840, 2160)),
        ([3840, 1080], (3840, 1080)),
        ((1920.0, 1080.0), (1920, 1080)),  # the browser may send floats
        ([1366, 768], (1366, 768)),
        (None, (1920, 1080)),  # not reported yet: the 1080p design size
        (["x", 1], (1920, 1080)),
        ([1], (1920, 1080)),
        ([True, 1080], (1920, 1080)),
        ([0, 0], (1920, 1080)),  # a hidden or collapsed window says nothing
        ([1920, 1080, 1], (1920, 1080)),
    ],
)
def test_reported_size_is_taken_only_when_it_is_a_real_window(size, expected):
    assert screen.compute_size(size) == expected


@pytest.mark.parametrize(
    ("size", "font", "dot"),
    [
        ((1920, 1080), 19, 5),  # text at least 1.6 % of the height, rounded up
        ((3840, 1080), 19, 5),  # a 32:9 wall: as tall as 1080p, so the same sizes
        ((3840, 2160), 37, 10),  # 4K: twice the height, twice the size
        ((1280, 720), 13, 3),
        ((390, 844), 15, 3),  # a phone in portrait: a small map, dots no smaller than 3 px
    ],
)
def test_map_text_and_dots_follow_the_screen_height(size, font, dot):
    layout = screen.compute_layout(size)
    assert (layout.font, layout.dot) == (font, dot)
    assert layout.font >= 0.016 * size[1]


def _counts(units: dict[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"level": list(units), "units": list(units.values())})


TEXTS = {
    "units": "总数",
    "level5": "五星",
    "level4": "四星",
    "level3": "三星",
    "mean": "平均星数",
    "overdue": "逾期",
    "vs_prev": "较上年",
    "as_of": "截至数据日期",
}


def test_tiles_show_counts_and_changes_with_their_direction():
    now = _counts({5: 12, 4: 30, 3: 40, 2: 10, 1: 5, 0: 3})
    before = _counts({5: 10, 4: 30, 3: 45, 2: 10, 1: 5, 0: 0})
    tiles = screen.compute_tiles(
        compute_headline(
            {"units": 100, "mean_stars": 3.4, "overdue_problems": 7},
            now,
            {"units": 100, "mean_stars": 3.5},
            before,
            2024,
        ),
        TEXTS,
    )
    got = {t.label: (t.value, t.delta, t.tone) for t in tiles}
    assert got["总数"] == ("100", None, "flat")
    assert got["五星"] == ("12", "较上年 +2", "good")
    assert got["四星"] == ("30", "较上年 +0", "flat")
    assert got["三星"] == ("40", "较上年 -5", "bad")
    assert got["平均星数"] == ("3.40", "较上年 -0.10", "bad")
    assert got["逾期"] == ("7", "截至数据日期", "flat")
    first_year = screen.compute_tiles(
        compute_headline({"units": 1, "mean_stars": 1.0, "overdue_problems": 0}, now), TEXTS
    )
    assert all(t.delta is None for t in first_year[:5])


def test_screen_html_escapes_every_name():
    evil = "<img src=x onerror=alert(1)>"
    band = screen.build_band_html(evil, evil, evil, evil, 30, False, 3)
    side = screen.build_side_html(
        [(evil, [("1", evil, evil)], "good"), (evil, [], "")], "screen-ranking", evil
    )
    tiles = screen.build_tiles_html([screen.Tile(evil, evil, evil)])
    for markup in (band, side, tiles):
        assert "<img" not in markup and "&lt;img src=x onerror=alert(1)&gt;" in markup
    assert 'data-step="3"' in band and "animation-duration:30s" in band
    assert 'data-viewport="1920x1080"' in band  # the size the view was drawn for
    wall = screen.build_band_html("t", "s", "m", None, 0, False, 0, (3840, 1080))
    assert 'data-viewport="3840x1080"' in wall
    assert "xs-progress paused" in screen.build_band_html("t", "s", "m", None, 30, True, 3)
    assert "xs-progress" not in screen.build_band_html("t", "s", "m", None, 0, False, 0)


@pytest.mark.parametrize(("rows", "declared"), [(0, 1), (1, 1), (5, 5), (40, 40)])
def test_each_list_declares_its_rows_so_a_short_one_takes_only_its_space(rows, declared):
    markup = screen.build_side_html([("t", [("1", "县", "1")] * rows, "")], "screen-movers", "暂无")
    assert f'<section style="--rows:{declared}">' in markup
    assert markup.count("<li>") == max(rows, 1)  # an empty list says "none" on its one row
    assert ('<span class="name flat">暂无</span>' in markup) == (rows == 0)
    assert 'class="xs xs-panel xs-fill" data-testid="screen-movers"' in markup


def test_trend_strip_has_one_block_per_year_with_the_level_mix():
    years = pd.DataFrame({"year": [2024, 2025], "mean_stars": [2.5, 3.0], "share_ge4": [0.2, 0.3]})
    levels = pd.DataFrame({"year": [2024, 2024, 2025], "level": [5, 3, 4], "units": [1, 3, 4]})
    texts = {"title": "逐年", "mean": "平均", "ge4": "四星+", "levels": {lv: f"L{lv}" for lv in range(6)}}
    html = screen.build_trend_html(levels, years, texts)
    assert html.count('class="xs-year"') == 2 and "--years:2" in html
    assert "width:25.00%" in html and "width:75.00%" in html and "width:100.00%" in html
    assert "平均 3.00 · 四星+ 30.0%" in html
