"""Pure builders of the components, inspected as objects (figures, decks, frames)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from components import (
    kpi_cards,
    level_chart,
    ranking,
    region_map,
    templating,
    village_map,
    weak_charts,
)
from tests.frames import regions_frame
from xingtu.views.headline import compute_headline
from xingtu.views.ranking import compute_ranking

TEXTS = region_map.MapTexts("平均星数", "排名", "单位数", "无数据", "功能区")


def _shown(fig) -> dict[str, dict]:
    """code → trace type, class (legend label), class index (0 = no data) and hover data."""
    legend = fig.layout.meta["legend"]
    index_of_color = {color: i for i, (color, _) in enumerate(legend)}
    out = {}
    for trace in fig.data:
        if trace.name == "outline":
            continue
        zs = trace.z if trace.type == "choropleth" else [index_of_color[c] for c in trace.marker.color]
        for i, custom in enumerate(trace.customdata or []):
            code = custom[-1]
            assert code not in out, f"{code} drawn twice"
            loc = trace.locations[i] if trace.type == "choropleth" else None
            z = int(zs[i])
            out[code] = {
                "type": trace.type,
                "class": legend[z][1],
                "z": z,
                "custom": list(custom),
                "loc": loc,
            }
    return out


def test_region_map_draws_every_region_once_zones_as_dots_and_empty_as_no_data():
    kinds = ["county"] * 5 + ["zone"]
    df = regions_frame([2.0, 3.0, 4.0, 3.5, 1.0, 2.5], units=[5, 5, 5, 5, 0, 5], kinds=kinds)
    fig = region_map.build_region_map(df, "mean_stars", "app/static/x.geojson", TEXTS)
    shown = _shown(fig)
    assert set(shown) == set(df["code"])
    assert shown[df["code"][5]]["type"] == "scattergeo"  # the zone: a dot, not dropped
    assert all(shown[c]["type"] == "choropleth" and shown[c]["loc"] == c for c in df["code"][:5])
    assert shown[df["code"][4]]["class"] == "无数据"  # no units in scope
    best = shown[df["code"][2]]["custom"]
    assert best[1:4] == ["4.00", "1/5", "5"]
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    assert len(fig.layout.meta["legend"]) <= 6  # five classes at most, plus no data
    assert len(fig.data) == 2  # one trace for the polygons, one for the dots: each trace costs the browser
    assert all(isinstance(t.geojson, str) for t in fig.data if t.type == "choropleth")  # by URL, not inline
    legend = region_map.build_legend_html(fig)
    assert legend.index("4.00") < legend.index("无数据") and "平均星数" in legend


def test_region_map_classes_follow_the_values():
    df = regions_frame([1.0, 2.0, 3.0, 4.0, 5.0, 1.5, 2.5, 3.5, 4.5, 4.9])
    fig = region_map.build_region_map(df, "mean_stars", "u", TEXTS)
    shown = _shown(fig)
    by_value = sorted(df["code"], key=lambda c: df.set_index("code").loc[c, "mean_stars"])
    zs = [shown[c]["z"] for c in by_value]
    assert zs == sorted(zs) and zs[0] == 1 and zs[-1] == 5  # five classes, low to high, none empty
    trace = fig.data[0]
    scale = dict((round(float(p), 6), c) for p, c in trace.colorscale)
    n = len(fig.layout.meta["legend"])
    for z in range(n):  # the stepped scale paints class z in its legend colour
        mid = (z + 0.5) / n
        below = max(p for p in scale if p <= mid)
        assert scale[below] == fig.layout.meta["legend"][z][0]


def test_region_names_are_escaped_in_hover():
    df = regions_frame([2.0, 3.0])
    df.loc[0, "name"] = "<img src=x onerror=alert(1)>"
    shown = _shown(region_map.build_region_map(df, "mean_stars", "u", TEXTS))
    assert shown[df["code"][0]]["custom"][0].startswith("&lt;img")


def test_village_deck_has_no_basemap_fixed_ids_and_data_by_url():
    deck = village_map.build_village_deck(
        "app/static/gen/f/points.json",
        "app/static/gen/f/counties.geojson",
        (110, 31, 117, 36),
        "points",
        "<b>{n}</b>",
        52378,
    )
    spec = json.loads(deck.to_json())
    assert deck.map_provider is None and "mapProvider" not in spec  # no basemap (and no request for one)
    assert [layer["id"] for layer in spec["layers"]] == ["villages"]  # the points alone at province scale
    assert spec["layers"][0]["data"] == "app/static/gen/f/points.json"
    small = village_map.build_village_deck("p.json", "o.json", (113, 33, 114, 34), "points", "x", 300)
    assert [layer["id"] for layer in json.loads(small.to_json())["layers"]] == ["outline", "villages"]
    assert "{n}" in deck._tooltip["html"]
    hexes = village_map.build_village_deck("p.json", "o.json", (110, 31, 117, 36), "hex", "x", 10)
    assert [layer["id"] for layer in json.loads(hexes.to_json())["layers"]] == ["outline", "villages-hex"]


@pytest.mark.parametrize("sort", ["metric", "name", "units"])
def test_ranking_rows_follow_the_ranking_and_say_not_imported(sort):
    df = regions_frame([2.0, 3.0, 4.0, math.nan, math.nan], units=[5, 9, 7, 0, 0])
    df = df.assign(expected=[5, 9, 7, 4, 0])
    table = compute_ranking(df, "mean_stars", "zh", sort)
    rows = ranking.build_ranking_rows(table, "mean_stars", "未导入")
    assert [r["code"] for r in rows] == table["code"].tolist()  # the ranking's order
    by_name = {r["label"]: r for r in rows}
    assert by_name["县2"]["pct"] == 80.0 and by_name["县2"]["value"] == "4.00"  # 4 of 5 stars
    assert by_name["县2"]["rank"] == "1" and by_name["县1"]["units"] == 9
    assert by_name["县3"]["value"] == "未导入" and by_name["县3"]["nodata"] and by_name["县3"]["rank"] == ""
    assert by_name["县4"]["value"] == "—" and by_name["县4"]["nodata"] and by_name["县4"]["pct"] == 0.0


def test_ranking_rows_carry_names_as_text_for_the_browser():
    df = regions_frame([3.0], units=[4]).assign(name=["<img src=x onerror=alert(1)>"])
    rows = ranking.build_ranking_rows(compute_ranking(df, "mean_stars", "zh"), "mean_stars", "未导入")
    assert rows[0]["label"] == "<img src=x onerror=alert(1)>"  # set with textContent in the browser
    js = templating.script("ranking")
    assert "textContent" in js and "innerHTML" not in js


def test_level_bars_as_html_scale_to_the_largest_level_and_escape_labels():
    counts = pd.DataFrame({"level": [5, 4, 3, 2, 1, 0], "units": [10, 40, 20, 0, 0, 30]})
    counts["share"] = counts["units"] / counts["units"].sum()
    labels = {lv: f"L{lv}" for lv in range(6)} | {0: "<b>未评星</b>"}
    page = level_chart.build_level_html(counts, labels)
    assert page.index("L5") < page.index("L4") < page.index("L1")
    assert "width:100.0%" in page and "width:25.0%" in page and "width:0.0%" in page
    assert "40（40.0%）" in page and "&lt;b&gt;未评星&lt;/b&gt;" in page and "<b>未评星" not in page


def test_kpi_cards_deltas():
    counts = pd.DataFrame({"level": [5, 4, 3, 2, 1, 0], "units": [1, 2, 3, 4, 0, 0]})
    counts["share"] = counts["units"] / 10
    prev = counts.assign(units=[0, 2, 5, 3, 0, 0])
    head = compute_headline(
        {"units": 10, "below_target": 4, "overdue_problems": 2}, counts, {"below_target": 6}, prev, 2024
    )
    cards = kpi_cards.compute_cards(head, "zh")
    by_label = {c.label.split(" ")[0]: c for c in cards}
    assert by_label["五星"].value == "1" and by_label["五星"].delta == "+1"
    assert by_label["三星"].delta == "-2"
    assert by_label["未达创建目标"].delta == "-2"
    english = kpi_cards.compute_cards(head, "en")  # the language asked for, whatever the session's
    assert [c.label for c in english][:2] == ["Units in scope", "5 stars · 10.0%"]
    assert [c.value for c in english] == [c.value for c in cards]


def test_heat_grid_puts_each_share_in_its_cell():
    df = pd.DataFrame(
        {
            "code": ["a", "a", "b", "b"],
            "name": ["<甲>", "<甲>", "乙", "乙"],
            "star_name": ["一星", "二星", "一星", "二星"],
            "share": [0.1, 0.2, 0.3, float("nan")],
        }
    )
    fig = weak_charts.build_heat(df, "star_name", "未获星比例")
    heat = fig.data[0]
    assert list(heat.y) == ["&lt;甲&gt;", "乙"] and list(heat.x) == ["一星", "二星"]
    assert heat.z[0].tolist() == [0.1, 0.2] and heat.z[1][0] == 0.3 and math.isnan(heat.z[1][1])
    assert heat.text[1] == ["30%", ""]


@pytest.mark.parametrize(
    ("units", "layer"),
    [(52_378, "hex"), (20_001, "hex"), (20_000, "points"), (4_700, "points"), (0, "points")],
)
def test_village_layer_default_depends_on_how_many_units_are_drawn(units, layer):
    assert village_map.default_layer(units) == layer


def test_the_ranking_stylesheet_uses_the_theme_colours():
    from components import templating
    from components.theme import LEVEL_COLORS, NO_DATA_COLOR

    css = str(templating.stylesheet("ranking"))
    assert LEVEL_COLORS[4] in css and NO_DATA_COLOR in css


def test_grid_cell_styles_and_component_scripts_come_from_our_own_files():
    cells = templating.cell_styles("cells")
    assert set(cells) == {"none", "sample", "done", "overdue", "closed"}
    assert cells["overdue"] == "background-color: #FDE2E1; color: #8E0E1F;"  # comments are not rules
    assert "export default function" in templating.script("viewport")
    for bad in ("../app", "/etc/passwd", "templates/x"):
        with pytest.raises(ValueError, match="not a script of ours"):
            templating.script(bad)
