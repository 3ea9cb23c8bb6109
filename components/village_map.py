"""The village layer: every unit in scope as a point coloured by level, or hexagon density.

The points are a static JSON file the browser fetches and caches (see
``xingtu.store.static_files``); the deck spec holds only its URL, fixed layer ids and
a fixed view (plus, for a township's few units, the names placed beside their dots), so a
rerun that keeps the file resends almost nothing. No basemap
(``map_provider=None``): the county outlines from our own boundary file give context.
"""

from __future__ import annotations

import math

import pandas as pd
import pydeck as pdk
import streamlit as st

from components.region_map import LABEL_MAX, build_key_html, compute_unit_labels
from components.theme import CLASS_COLORS, FONT_FAMILY, LEVEL_COLORS, hex_to_rgb
from xingtu.domain.geo import TILE_PX, MapView, compute_view

HEIGHT = 560
OUTLINE_MAX_POINTS = 5000
HEX_ABOVE = 20_000
# The deck is fitted on the server, before the browser says how wide the column is: guess on the
# narrow side (the overview's middle column is 420–480 px at 1920 wide, ~350 px on a phone), so
# the units' extent fits rather than being cut at the sides.
WIDTH_GUESS = 380

# Dot radius in screen pixels (min, max) by scope: a township's or county's units are few and
# each must be seen and clicked (≥ 8 px across); at city or province scale thousands of units
# would merge into blots, so there they shrink to their metric radius.
RADIUS_PX: dict[str, tuple[float, float]] = {
    "township": (8, 12),
    "county": (5, 10),
    "city": (1.6, 9),
    "province": (1.6, 9),
}


# Level 0…5 colours as RGB, baked into the points file (a field read, not an expression).
PALETTE: tuple[tuple[int, int, int], ...] = tuple(tuple(hex_to_rgb(LEVEL_COLORS[lv])) for lv in range(6))


def default_layer(n_points: int) -> str:
    """Hexagons for the whole province, points below.

    At province scale 50,000 dots of 1–2 pixels overplot (about two units per pixel), so
    the colour seen is whichever level was drawn last; hexagons show where units are
    without that bias, and draw in a fraction of the time in a software-rendered browser.
    A city holds at most a few thousand units: points read well there.
    """
    return "hex" if n_points > HEX_ABOVE else "points"


def build_village_deck(
    points_url: str,
    outline_url: str,
    bounds: tuple[float, float, float, float],
    layer: str,
    tooltip_html: str,
    n_points: int,
    hex_tooltip_html: str = "{colorValue}",
    scope_level: str = "province",
    names: pd.DataFrame | None = None,
) -> pdk.Deck:
    """The deck for ``layer`` ('points' or 'hex'); the tooltip template is fixed text, never data.

    The view fits ``bounds`` (the units' extent); dots are at least ``RADIUS_PX[scope_level]``
    pixels in radius. ``names`` (a township's units: code, name, lon, lat, level; at most
    ``LABEL_MAX``) are written beside their dots where they have room (``build_names_layer``).
    """
    view = compute_view(bounds, WIDTH_GUESS, HEIGHT)
    min_px, max_px = RADIUS_PX.get(scope_level, RADIUS_PX["province"])
    radius = 220 if n_points > 5000 else 90 if n_points > 500 else 45
    layers = []
    if n_points <= OUTLINE_MAX_POINTS:
        # County outlines give a small scope its context. At province or city scale the points
        # trace the land themselves, and both layers together cost about 2 s more to draw in a
        # software-rendered browser than either alone (bench/bench_pages.py).
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                id="outline",
                data=outline_url,
                stroked=True,
                filled=True,
                get_fill_color=[246, 244, 240],
                get_line_color=[150, 150, 150],
                line_width_min_pixels=0.6,
                pickable=False,
            )
        )
    if layer == "hex":
        layers.append(
            pdk.Layer(
                "HexagonLayer",
                id="villages-hex",
                data=points_url,
                get_position="p",
                radius=4000 if n_points > 5000 else 1200,
                coverage=0.92,
                color_range=[hex_to_rgb(c) for c in CLASS_COLORS[5]],
                color_scale_type="quantile",  # counts are skewed: equal-count classes, like the choropleth
                extruded=False,
                pickable=True,
                opacity=0.85,
            )
        )
        tooltip = {"html": hex_tooltip_html, "style": {"fontSize": "15px"}}
    else:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="villages",
                data=points_url,
                get_position="p",
                get_fill_color="c",
                get_radius=radius,
                radius_min_pixels=min_px,
                radius_max_pixels=max_px,
                stroked=min_px >= 5,  # a white rim keeps big neighbouring dots apart
                get_line_color=[255, 255, 255],
                line_width_min_pixels=1,
                pickable=True,
                opacity=0.9,
            )
        )
        if names is not None and 0 < len(names) <= LABEL_MAX:
            layers.append(build_names_layer(names, view, radius, min_px, max_px))
        tooltip = {"html": tooltip_html, "style": {"fontSize": "15px"}}
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(longitude=view.lon, latitude=view.lat, zoom=view.zoom),
        map_provider=None,
        tooltip=tooltip,
    )


# A name's place beside its dot: deck.gl's text anchor, baseline and offset direction.
_DECK_PLACES = {
    "top center": ("middle", "bottom", (0, -1)),
    "bottom center": ("middle", "top", (0, 1)),
    "middle right": ("start", "center", (1, 0)),
    "middle left": ("end", "center", (-1, 0)),
}
NAME_PX = 13
_EARTH_M = 40_075_016.686


def compute_view_extent(
    view: MapView, width_px: float, height_px: float
) -> tuple[float, float, float, float]:
    """The (min lon, min lat, max lon, max lat) a deck of this size shows around ``view``."""
    per_degree = TILE_PX * 2**view.zoom / 360
    y = math.degrees(math.log(math.tan(math.pi / 4 + math.radians(view.lat) / 2)))

    def lat(merc: float) -> float:
        return math.degrees(2 * math.atan(math.exp(math.radians(merc))) - math.pi / 2)

    half_w, half_h = width_px / 2 / per_degree, height_px / 2 / per_degree
    return (view.lon - half_w, lat(y - half_h), view.lon + half_w, lat(y + half_h))


def compute_dot_px(view: MapView, radius_m: float, min_px: float, max_px: float) -> float:
    """A dot's radius on screen: ``radius_m`` at the view's scale, within deck.gl's pixel bounds."""
    metres_per_px = _EARTH_M * math.cos(math.radians(view.lat)) / (TILE_PX * 2**view.zoom)
    return min(max(radius_m / metres_per_px, min_px), max_px)


def compute_name_records(names: pd.DataFrame, view: MapView, dot_px: float) -> list[dict]:
    """The names that have room, each placed beside its dot (none covers a dot or another name).

    The deck's zoom is fixed here, so distances between dots on screen are known before the
    browser draws them; the frame is the narrow ``WIDTH_GUESS`` so names keep inside it. A
    name deck.gl's JSON reader would take for an expression (``@@…``) is prefixed with a
    zero-width space: drawn the same, read as text.
    """
    extent = compute_view_extent(view, WIDTH_GUESS, HEIGHT)
    places = compute_unit_labels(names, extent, (WIDTH_GUESS, HEIGHT), font_px=NAME_PX, dot_px=dot_px)
    records = []
    for (lon, lat, name), place in zip(
        names[["lon", "lat", "name"]].itertuples(index=False), places, strict=True
    ):
        if place is None:
            continue
        anchor, baseline, (dx, dy) = _DECK_PLACES[place]
        text = str(name)
        records.append(
            {
                "p": [round(float(lon), 5), round(float(lat), 5)],
                "n": "\u200b" + text if text.startswith("@@") else text,
                "a": anchor,
                "b": baseline,
                "o": [dx * (dot_px + 2), dy * (dot_px + 2)],
            }
        )
    return records


def build_names_layer(
    names: pd.DataFrame, view: MapView, radius_m: float, min_px: float, max_px: float
) -> pdk.Layer:
    """The units' names as a text layer (canvas text, never HTML), placed by ``compute_name_records``."""
    return pdk.Layer(
        "TextLayer",
        id="villages-names",
        data=compute_name_records(names, view, compute_dot_px(view, radius_m, min_px, max_px)),
        get_position="p",
        get_text="n",
        get_text_anchor="a",
        get_alignment_baseline="b",
        get_pixel_offset="o",
        get_size=NAME_PX,
        get_color=[38, 39, 48],
        # plain strings would be read as expressions (pydeck's "@@=" prefix)
        font_family=pdk.types.String(FONT_FAMILY),
        character_set=pdk.types.String("auto"),
        background=True,
        get_background_color=[255, 255, 255, 200],
        background_padding=[2, 1],
        pickable=False,
    )


def build_level_legend(levels: list[int], level_text: dict[int, str], title: str) -> str:
    """The legend of the dots (escaped HTML): exactly the ``levels`` they are coloured with, high first."""
    items = [(LEVEL_COLORS[lv], level_text[lv]) for lv in sorted(set(levels), reverse=True)]
    return build_key_html(title, items, testid="points-legend")


def render(deck: pdk.Deck, key: str, legend_html: str = "") -> None:
    st.pydeck_chart(deck, key=key, height=HEIGHT, width="stretch")
    if legend_html:
        st.html(legend_html)
