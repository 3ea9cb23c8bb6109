"""The village layer: every unit in scope as a point coloured by level, or hexagon density.

The points are a static JSON file the browser fetches and caches (see
``xingtu.store.static_files``); the deck spec holds only its URL, fixed layer ids and
a fixed view, so a rerun that keeps the file resends almost nothing. No basemap
(``map_provider=None``): the county outlines from our own boundary file give context.
"""

from __future__ import annotations

import pydeck as pdk
import streamlit as st

from components.theme import CLASS_COLORS, LEVEL_COLORS, hex_to_rgb
from xingtu.domain.geo import compute_view

HEIGHT = 560
OUTLINE_MAX_POINTS = 5000
HEX_ABOVE = 20_000
WIDTH_GUESS = 450


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
) -> pdk.Deck:
    """The deck for ``layer`` ('points' or 'hex'); the tooltip template is fixed text, never data."""
    view = compute_view(bounds, WIDTH_GUESS, HEIGHT)
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
                radius_min_pixels=1.6,
                radius_max_pixels=9,
                stroked=False,
                pickable=True,
                opacity=0.9,
            )
        )
        tooltip = {"html": tooltip_html, "style": {"fontSize": "15px"}}
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(longitude=view.lon, latitude=view.lat, zoom=view.zoom),
        map_provider=None,
        tooltip=tooltip,
    )


def render(deck: pdk.Deck, key: str) -> None:
    st.pydeck_chart(deck, key=key, height=HEIGHT, width="stretch")
