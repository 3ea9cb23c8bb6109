"""Maps at township and unit level: framing, dot size, names, the county outline, legends, paths."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from components import breadcrumb, map_controls, region_map, unit_profile, village_map
from components.theme import LEVEL_COLORS

LEVELS = {lv: name for lv, name in enumerate(["未评星", "一星", "二星", "三星", "四星", "五星"])}
COUNTY = "411102000000"
TOWNSHIP = "411102001000"


def _units(n: int, levels: list[int] | None = None, lon0: float = 114.0, lat0: float = 33.5) -> pd.DataFrame:
    """``n`` units of one township on a small grid (about 1 km apart), levels cycling 0…5 unless given."""
    levels = levels if levels is not None else [i % 6 for i in range(n)]
    return pd.DataFrame(
        {
            "code": [f"{TOWNSHIP[:9]}{i + 1:03d}" for i in range(n)],
            "name": [f"单位{i}" for i in range(n)],
            "lon": [lon0 + (i % 7) * 0.01 for i in range(n)],
            "lat": [lat0 + (i // 7) * 0.008 for i in range(n)],
            "level": levels,
        }
    )


def _unit_traces(fig) -> list:
    return [t for t in fig.data if t.type == "scattergeo"]


# --- framing: the view is the units' extent, not the province ------------------------------------


def _merc(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


@pytest.mark.parametrize("n", [1, 2, 12, 40, 300])
def test_township_map_frames_the_units(n):
    units = _units(n)
    fig = region_map.build_unit_dots(units, LEVELS, "o.geojson", COUNTY)
    geo = fig.layout.geo
    assert geo.fitbounds is False  # not fitted to the outline (the whole county) or the province
    (lon_lo, lon_hi), (lat_lo, lat_hi) = geo.lonaxis.range, geo.lataxis.range
    assert lon_lo < units["lon"].min() and units["lon"].max() < lon_hi  # every unit inside the frame
    assert lat_lo < units["lat"].min() and units["lat"].max() < lat_hi
    grow = 1 + 2 * region_map.EXTENT_PAD
    tight = [
        hi - lo <= max(units[col].max() - units[col].min(), region_map.MIN_SPAN) * grow + 1e-9
        for lo, hi, col in ((lon_lo, lon_hi, "lon"), (lat_lo, lat_hi, "lat"))
    ]
    assert any(tight)  # the units' span plus a margin (or the minimum span) on one side …
    shape = (lon_hi - lon_lo) / (_merc(lat_hi) - _merc(lat_lo))
    assert shape == pytest.approx(region_map.PLOT_WIDTH_GUESS / region_map.HEIGHT)  # … the plot's shape


@pytest.mark.parametrize(
    ("lons", "lats", "expect"),
    [
        ([114.0, 114.2], [33.0, 33.1], (114.0 - 0.024, 33.0 - 0.012, 114.2 + 0.024, 33.1 + 0.012)),
        ([114.0], [33.0], (114.0 - 0.0186, 33.0 - 0.0186, 114.0 + 0.0186, 33.0 + 0.0186)),  # one unit
    ],
)
def test_compute_extent_pads_and_keeps_a_minimum_span(lons, lats, expect):
    got = region_map.compute_extent(pd.Series(lons), pd.Series(lats))
    assert got == pytest.approx(expect, abs=1e-9)


@pytest.mark.parametrize("aspect", [0.5, 1.0, 3.0])
def test_compute_extent_takes_the_plots_shape_about_the_same_centre(aspect):
    lon, lat = pd.Series([114.0, 114.2]), pd.Series([33.0, 33.1])
    plain = region_map.compute_extent(lon, lat)
    shaped = region_map.compute_extent(lon, lat, aspect=aspect)
    assert shaped[0] <= plain[0] and shaped[1] <= plain[1] and shaped[2] >= plain[2] and shaped[3] >= plain[3]
    assert (shaped[0] + shaped[2]) / 2 == pytest.approx(114.1)
    assert (_merc(shaped[1]) + _merc(shaped[3])) / 2 == pytest.approx((_merc(plain[1]) + _merc(plain[3])) / 2)
    assert (shaped[2] - shaped[0]) / (_merc(shaped[3]) - _merc(shaped[1])) == pytest.approx(aspect)


def test_unit_mini_map_frames_the_township():
    units = _units(9)
    fig = unit_profile.build_unit_map(units, units["code"][4], "o.geojson", COUNTY, LEVELS)
    assert fig.layout.geo.fitbounds is False
    lo, hi = fig.layout.geo.lonaxis.range
    assert lo < units["lon"].min() and units["lon"].max() < hi


# --- dots large enough to see and click -----------------------------------------------------------


@pytest.mark.parametrize("n", [1, 40, 41, 500])
def test_township_dots_are_at_least_8_px(n):
    fig = region_map.build_unit_dots(_units(n), LEVELS)
    sizes = [t.marker.size for t in _unit_traces(fig)]
    assert sizes and all(s >= 8 for s in sizes)  # plotly's marker size is the diameter in px


def test_unit_mini_map_dots_are_at_least_8_px_and_the_unit_larger():
    units = _units(20)
    me = units["code"][3]
    fig = unit_profile.build_unit_map(units, me, "o.geojson", COUNTY, LEVELS)
    sizes = {t.name: t.marker.size for t in _unit_traces(fig)}
    assert all(s >= 8 for s in sizes.values())
    assert sizes["unit"] > max(s for k, s in sizes.items() if k != "unit")


@pytest.mark.parametrize(
    ("scope_level", "min_radius"),
    [("township", 4), ("county", 4)],  # radius ≥ 4 px: dots ≥ 8 px across
)
def test_village_points_are_at_least_8_px_across_below_city_scale(scope_level, min_radius):
    deck = village_map.build_village_deck(
        "p.json", "o.json", (113.9, 33.4, 114.1, 33.6), "points", "x", 30, scope_level=scope_level
    )
    dots = next(x for x in json.loads(deck.to_json())["layers"] if x["id"] == "villages")
    assert dots["radiusMinPixels"] >= min_radius
    assert dots["radiusMaxPixels"] >= dots["radiusMinPixels"]


# --- names when few, none when many ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "named"), [(1, True), (region_map.LABEL_MAX, True), (region_map.LABEL_MAX + 1, False)]
)
def test_township_dots_are_named_only_when_few(n, named):
    units = _units(n)
    traces = _unit_traces(region_map.build_unit_dots(units, LEVELS))
    assert all(("text" in t.mode) is named for t in traces)
    shown = sorted(x for t in traces for x in (t.text or ()))
    assert shown == (sorted(units["name"]) if named else [])


def test_township_names_are_escaped_for_plotly():
    units = _units(2)
    units.loc[0, "name"] = "<b>x</b>"
    texts = [x for t in _unit_traces(region_map.build_unit_dots(units, LEVELS)) for x in t.text]
    assert "&lt;b&gt;x&lt;/b&gt;" in texts and "<b>x</b>" not in texts


def _deck_layers(units: pd.DataFrame | None, n: int, layer: str = "points") -> dict[str, dict]:
    deck = village_map.build_village_deck(
        "p.json", "o.json", (113.99, 33.49, 114.07, 33.55), layer, "x", n, scope_level="township", names=units
    )
    return {x["id"]: x for x in json.loads(deck.to_json())["layers"]}


PLACES = {("middle", "bottom"), ("middle", "top"), ("start", "center"), ("end", "center")}


@pytest.mark.parametrize(("n", "all_fit"), [(1, True), (5, True), (12, True), (region_map.LABEL_MAX, False)])
def test_village_points_name_a_townships_few_units(n, all_fit):
    units = _units(n)
    names = _deck_layers(units, n)["villages-names"]
    records = names["data"]
    shown = sorted(r["n"] for r in records)
    if all_fit:  # spread out: every name has room
        assert shown == sorted(units["name"])
    else:  # 40 on a narrow column: as many as fit, each one once
        assert 0 < len(shown) < n and len(set(shown)) == len(shown) and set(shown) <= set(units["name"])
    assert names["getText"] == "@@=n" and names["getPixelOffset"] == "@@=o"
    # literal strings, not expressions (deck.gl fails on "@@=auto")
    assert names["characterSet"] == "auto" and not names["fontFamily"].startswith("@@")
    for r in records:
        assert (r["a"], r["b"]) in PLACES
        assert max(abs(v) for v in r["o"]) >= 8 + 2  # clear of the dot (radius ≥ 8 px)


@pytest.mark.parametrize(
    ("units", "n", "layer"),
    [
        (None, 30, "points"),  # above township level: no names
        (_units(region_map.LABEL_MAX + 1), region_map.LABEL_MAX + 1, "points"),  # many
        (_units(0), 0, "points"),
        (_units(5), 5, "hex"),  # hexagons carry no names
    ],
)
def test_village_points_are_not_named_when_many_or_not_a_township(units, n, layer):
    assert "villages-names" not in _deck_layers(units, n, layer)


def test_village_point_names_in_a_crowd_do_not_overlap_and_stay_literal():
    units = _units(6)
    units["lon"], units["lat"] = 114.03, 33.52  # one spot
    units.loc[0, ["name", "level"]] = ["@@=constructor", 5]
    records = _deck_layers(units, 6)["villages-names"]["data"]
    assert len(records) == 4  # above, below, right, left; the other two show on hover
    assert len({(r["a"], r["b"]) for r in records}) == 4
    assert all(not r["n"].startswith("@@") for r in records)  # never read as an expression
    assert "\u200b@@=constructor" in {r["n"] for r in records}  # level 5 (most stars) is placed first


def test_deck_view_extent_matches_the_fitted_view():
    bounds = (113.99, 33.49, 114.07, 33.55)
    view = village_map.compute_view(bounds, 380, 560)
    size = (village_map.WIDTH_GUESS, village_map.HEIGHT)
    lo_x, lo_y, hi_x, hi_y = village_map.compute_view_extent(view, *size)
    assert lo_x < bounds[0] and bounds[2] < hi_x and lo_y < bounds[1] and bounds[3] < hi_y  # the units fit
    assert (lo_x + hi_x) / 2 == pytest.approx(view.lon)
    # one side is close to the bounds plus compute_view's 8 % margin
    share_x = (bounds[2] - bounds[0]) / (hi_x - lo_x)
    share_y = (_merc(bounds[3]) - _merc(bounds[1])) / (_merc(hi_y) - _merc(lo_y))
    assert max(share_x, share_y) == pytest.approx(0.84, abs=0.02)


def test_unit_mini_map_names_the_unit_always_and_neighbours_when_few():
    few, many = _units(5), _units(unit_profile.MINI_LABEL_MAX + 1)
    for units, neighbours_named in ((few, True), (many, False)):
        me = units["code"][2]
        fig = unit_profile.build_unit_map(units, me, "o.geojson", COUNTY, LEVELS)
        ring = next(t for t in fig.data if t.name == "unit")
        assert list(ring.text) == [units["name"][2]]
        others = [x for t in _unit_traces(fig) if t.name != "unit" for x in (t.text or ()) if x]
        assert sorted(others) == (sorted(units["name"].drop(2)) if neighbours_named else [])


EXTENT = (114.0, 33.0, 114.1, 33.1)


@pytest.mark.parametrize(
    ("points", "expect"),
    [
        ([(114.05, 33.05)], ["top center"]),  # alone: above its dot
        ([(114.05, 33.0995)], ["bottom center"]),  # at the top edge: below, not cut off
        ([(114.05, 33.0005)], ["top center"]),
        ([(114.0005, 33.05)], ["top center"]),  # at the left edge: a centred name would be cut
        ([(114.05, 33.05)] * 5, ["top center", "bottom center", "middle right", "middle left", None]),
        ([(114.02, 33.05), (114.08, 33.05)], ["top center", "top center"]),  # apart: both above
    ],
)
def test_names_take_the_first_free_place_or_none(points, expect):
    lon, lat = [p[0] for p in points], [p[1] for p in points]
    got = region_map.compute_labels(lon, lat, ["单位名"] * len(points), [8] * len(points), EXTENT, (500, 500))
    if points == [(114.0005, 33.05)]:  # the centred places overflow the left edge: right of the dot
        assert got == ["middle right"]
    else:
        assert got == expect


def test_names_never_cover_a_dot():
    # a name above the first dot would cover the second dot just above it: it goes below
    lon, lat = [114.05, 114.05], [33.05, 33.0525]  # 12.5 px apart on a 500 px frame
    got = region_map.compute_labels(lon, lat, ["甲村", "乙村"], [8, 8], EXTENT, (500, 500))
    assert got[0] == "bottom center" and got[1] == "top center"


def test_crowded_township_names_some_units_and_hovers_all():
    units = _units(30)
    units["lon"], units["lat"] = 114.0, 33.5  # one spot
    fig = region_map.build_unit_dots(units, LEVELS)
    texts = [x for t in _unit_traces(fig) for x in t.text]
    assert len(texts) == 30 and sum(bool(x) for x in texts) == 4  # above, below, right, left
    assert sum(len(t.customdata) for t in _unit_traces(fig)) == 30  # every unit still hovers
    named = {x for x in texts if x}
    assert named == set(units.sort_values(["level", "name"], ascending=[False, True])["name"].head(4))


def test_unit_is_named_first_on_its_mini_map_even_in_a_crowd():
    units = _units(30)
    units["lon"], units["lat"] = 114.0, 33.5
    me = units["code"][7]
    fig = unit_profile.build_unit_map(units, me, "o.geojson", COUNTY, LEVELS)
    assert list(next(t for t in fig.data if t.name == "unit").text) == [units["name"][7]]
    others = [x for t in _unit_traces(fig) if t.name != "unit" for x in (t.text or ()) if x]
    assert others == []  # at the same spot, a neighbour's name would cover the unit's larger ring


# --- the county outline for context ---------------------------------------------------------------


def test_township_map_draws_the_county_outline_under_the_units():
    fig = region_map.build_unit_dots(_units(5), LEVELS, "app/static/gen/f/counties.geojson", COUNTY)
    outline = fig.data[0]
    assert outline.type == "choropleth" and outline.name == "outline"
    assert list(outline.locations) == [COUNTY] and outline.geojson == "app/static/gen/f/counties.geojson"
    assert outline.hoverinfo == "skip" and not outline.customdata  # a click on it opens nothing
    assert all(t.type == "scattergeo" for t in fig.data[1:])
    assert not any(t.name == "outline" for t in region_map.build_unit_dots(_units(5), LEVELS).data)


def test_unit_mini_map_draws_the_outline():
    units = _units(5)
    fig = unit_profile.build_unit_map(units, units["code"][0], "o.geojson", "411171000000", LEVELS)
    assert fig.data[0].name == "outline" and list(fig.data[0].locations) == ["411171000000"]


REGIONS = pd.DataFrame(
    [
        # code, level, has_polygon, host_code
        ("410000000000", "province", True, None),
        ("411100000000", "city", True, None),
        ("411102000000", "county", True, None),
        ("411171000000", "county", False, "411102000000"),  # a zone hosted by a county
        ("411172000000", "county", False, "411100000000"),  # a zone hosted by the city
        ("411173000000", "county", False, None),  # a zone with no host recorded
    ],
    columns=["code", "level", "has_polygon", "host_code"],
)


@pytest.mark.parametrize(
    ("region", "expect"),
    [
        ("411102000000", ("counties", "411102000000")),  # a county: its own outline
        ("411102001000", ("counties", "411102000000")),  # a township: its county's
        ("411171000000", ("counties", "411102000000")),  # a zone: its host county's
        ("411171100000", ("counties", "411102000000")),  # a zone's township: the host county's
        ("411172000000", ("cities", "411100000000")),  # a zone hosted by the city: the city's
        ("411173000000", ("cities", "411100000000")),  # no host recorded: the city it lies in
        ("411199000000", None),  # not a region of the table
    ],
)
def test_outline_is_the_county_or_the_zones_host(region, expect):
    assert region_map.compute_outline(REGIONS, region) == expect


# --- every legend shows every class it colours ----------------------------------------------------


@pytest.mark.parametrize(
    "levels",
    [[0, 1, 2, 3, 4, 5], [5, 3, 3, 0], [2], [5, 5, 5], [0, 0, 4]],
)
def test_township_legend_lists_exactly_the_levels_drawn(levels):
    fig = region_map.build_unit_dots(_units(len(levels), levels), LEVELS, legend_title="星级")
    title, items = region_map.compute_legend(fig)
    want = sorted(set(levels), reverse=True)
    assert title == "星级"
    assert [label for _, label in items] == [LEVELS[lv] for lv in want]  # high → low, none missing
    assert [color for color, _ in items] == [LEVEL_COLORS[lv] for lv in want]
    colours_drawn = {t.marker.color for t in _unit_traces(fig)}
    assert colours_drawn == {color for color, _ in items}
    html = region_map.build_legend_html(fig)
    assert all(LEVELS[lv] in html for lv in want)


@pytest.mark.parametrize(
    ("levels", "me"),
    [([5, 3, 3, 1], 0), ([4, 5, 2], 1), ([0, 0, 0, 5], 3), ([3], 0)],  # the unit alone holds a level
)
def test_unit_mini_map_legend_includes_the_units_own_level(levels, me):
    units = _units(len(levels), levels)
    fig = unit_profile.build_unit_map(units, units["code"][me], "o.geojson", COUNTY, LEVELS)
    in_legend = [t.name for t in fig.data if t.showlegend is not False and t.type == "scattergeo"]
    assert in_legend == [LEVELS[lv] for lv in sorted(set(levels), reverse=True)]
    assert fig.layout.showlegend is True


def _counts(units: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"level": [5, 4, 3, 2, 1, 0], "units": units})


@pytest.mark.parametrize(
    ("units", "chosen", "expect"),
    [
        ([3, 0, 7, 1, 0, 2], None, [5, 3, 2, 0]),  # only levels with units are coloured
        ([1, 1, 1, 1, 1, 1], None, [5, 4, 3, 2, 1, 0]),
        ([3, 0, 7, 1, 0, 2], 3, [3]),  # one level chosen: only that level is drawn
        ([3, 0, 7, 1, 0, 2], 4, []),  # chosen but empty
    ],
)
def test_village_points_legend_lists_the_levels_drawn(units, chosen, expect):
    assert map_controls.compute_point_levels(_counts(units), chosen) == expect
    html = village_map.build_level_legend(expect, LEVELS, "星级")
    for lv in range(6):
        assert (f"</i>{LEVELS[lv]}</span>" in html) is (lv in expect)
        assert (LEVEL_COLORS[lv] in html) is (lv in expect)
    if len(expect) > 1:
        assert html.index(LEVELS[expect[0]]) < html.index(LEVELS[expect[-1]])  # high → low
    if not expect:
        assert html == ""
    else:  # its own test id: the page's other legend (the choropleth's) stays "map-legend"
        assert 'data-testid="points-legend"' in html and "map-legend" not in html


def test_village_palette_matches_the_legend_colours():
    from components.theme import hex_to_rgb

    assert [list(c) for c in village_map.PALETTE] == [hex_to_rgb(LEVEL_COLORS[lv]) for lv in range(6)]


# --- breadcrumbs: the full path from the province -------------------------------------------------

PATH_ROWS = pd.DataFrame(
    [
        ("410000000000", "河南省", "province"),
        ("411100000000", "漯河市", "city"),
        ("411102000000", "源汇区", "county"),
        ("411102001000", "老街街道", "township"),
    ],
    columns=["code", "name", "level"],
)


@pytest.mark.parametrize(
    ("depth", "names"),
    [
        (4, ["河南省", "漯河市", "源汇区", "老街街道"]),
        (3, ["河南省", "漯河市", "源汇区"]),
        (1, ["河南省"]),
    ],
)
def test_breadcrumb_path_starts_at_the_province(depth, names):
    for rows in (PATH_ROWS.head(depth), PATH_ROWS.iloc[1:depth]):  # with or without the province row
        path = breadcrumb.compute_path(rows.reset_index(drop=True), "410000000000", "河南省")
        assert [c.name for c in path] == names
        assert path[0].code == "410000000000"
        assert [c.code for c in path[1:]] == PATH_ROWS["code"].iloc[1:depth].tolist()


def test_unit_path_is_province_city_county_township_unit():
    unit = {
        "code": "411102001001",
        "name": "滨西社区",
        "full_name": "滨西社区居委会",
        "city": "漯河市",
        "city_code": "411100000000",
        "county": "源汇区",
        "county_code": "411102000000",
        "township": "老街街道",
        "township_code": "411102001000",
    }
    path = breadcrumb.compute_unit_path(unit, "410000000000", "河南省")
    assert [c.name for c in path] == ["河南省", "漯河市", "源汇区", "老街街道", "滨西社区居委会"]
    assert breadcrumb.build_path_text(path) == "河南省 › 漯河市 › 源汇区 › 老街街道 › 滨西社区居委会"
    odd = breadcrumb.build_path_text([breadcrumb.Crumb("1", "*a*")])
    assert odd == "\\*a\\*"  # names are Markdown-escaped


@pytest.mark.parametrize(
    ("n", "level", "expect"),
    [
        (12, None, 12),
        (12, 5, 2),  # the chosen level only (levels cycle 0…5: two of twelve are 五星)
        (region_map.LABEL_MAX + 1, None, None),  # too many to name
        (region_map.LABEL_MAX + 1, 3, 7),  # few at the chosen level
        (0, None, None),  # above township level the overview has no units
    ],
)
def test_point_names_are_the_townships_units_at_the_chosen_level(n, level, expect):
    got = map_controls.point_names(_units(n), level)
    assert (None if got is None else len(got)) == expect
    if got is not None and level is not None:
        assert set(got["level"]) == {level}
