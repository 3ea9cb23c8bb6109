"""The big screen's pure parts: playlist, scale, tiles, lists and their HTML (escaped)."""

from __future__ import annotations

import pandas as pd
import pytest

from components import screen

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
    ("size", "scale"),
    [
        ([3840, 2160], 2),
        ([3840, 1080], 1),
        ([1920, 1080], 1),
        ([2560, 1440], 1),
        (None, 1),
        (["x", 1], 1),
        ([1], 1),
    ],
)
def test_scale_doubles_only_on_4k_class_screens(size, scale):
    assert screen.compute_scale(size) == scale


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
        {"units": 100, "mean_stars": 3.4, "overdue_problems": 7},
        now,
        {"units": 100, "mean_stars": 3.5},
        before,
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
        {"units": 1, "mean_stars": 1.0, "overdue_problems": 0}, now, None, None, TEXTS
    )
    assert all(t.delta is None for t in first_year[:5])


def test_top_and_bottom_lists_rank_by_the_metric_and_skip_empty_regions():
    children = pd.DataFrame(
        {
            "code": [f"c{i}" for i in range(6)],
            "name": [f"县{i}" for i in range(6)],
            "units": [5, 5, 5, 5, 5, 0],
            "mean_stars": [2.0, 3.5, 3.0, 4.0, 1.0, 5.0],
            "overdue_problems": [3, 0, 9, 1, 2, 0],
        }
    )
    top, bottom = screen.compute_top_bottom(children, "mean_stars", 2)
    assert top == [("1", "县3", "4.00"), ("2", "县1", "3.50")]
    assert bottom == [("5", "县4", "1.00"), ("4", "县0", "2.00")]
    _, most_overdue = screen.compute_top_bottom(children, "overdue_problems", 2)
    assert [name for _, name, _ in most_overdue] == ["县2", "县0"]  # fewer is better: the worst last
    assert screen.compute_top_bottom(children.iloc[:2], "mean_stars", 5)[1] == []  # short lists: no bottom
    tied = children.assign(mean_stars=[3.0, 3.0, 2.0, 4.0, 1.0, 5.0])
    assert screen.compute_top_bottom(tied, "mean_stars", 3)[0] == [
        ("1", "县3", "4.00"),
        ("2", "县0", "3.00"),
        ("2", "县1", "3.00"),
    ]  # ties share a rank, as in the overview's ranking
    assert screen.compute_most(children, "overdue_problems", 5) == [
        ("1", "县2", "9"),
        ("2", "县0", "3"),
        ("3", "县4", "2"),
        ("4", "县3", "1"),
    ]  # most first, none with zero


def test_screen_html_escapes_every_name():
    evil = "<img src=x onerror=alert(1)>"
    band = screen.build_band_html(evil, evil, evil, evil, 30, False, 3)
    side = screen.build_side_html([(evil, [("1", evil, evil)], "good")], "screen-ranking")
    tiles = screen.build_tiles_html([screen.Tile(evil, evil, evil)])
    for markup in (band, side, tiles):
        assert "<img" not in markup and "&lt;img src=x onerror=alert(1)&gt;" in markup
    assert 'data-step="3"' in band and "animation-duration:30s" in band
    assert "xs-progress paused" in screen.build_band_html("t", "s", "m", None, 30, True, 3)
    assert "xs-progress" not in screen.build_band_html("t", "s", "m", None, 0, False, 0)


def test_trend_strip_has_one_block_per_year_with_the_level_mix():
    years = pd.DataFrame({"year": [2024, 2025], "mean_stars": [2.5, 3.0], "share_ge4": [0.2, 0.3]})
    levels = pd.DataFrame({"year": [2024, 2024, 2025], "level": [5, 3, 4], "units": [1, 3, 4]})
    texts = {"title": "逐年", "mean": "平均", "ge4": "四星+", "levels": {lv: f"L{lv}" for lv in range(6)}}
    html = screen.build_trend_html(levels, years, texts)
    assert html.count('class="xs-year"') == 2 and "--years:2" in html
    assert "width:25.00%" in html and "width:75.00%" in html and "width:100.00%" in html
    assert "平均 3.00 · 四星+ 30.0%" in html
