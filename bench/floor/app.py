"""The floor page of the render benchmark: one trivial plotly chart and one trivial pydeck chart.

Whatever Streamlit, plotly.js and deck.gl cost on their own is measured here; the
overview's figures are reported as ratios to this page.
"""

import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

st.set_page_config(page_title="floor", layout="wide")
st.plotly_chart(go.Figure(go.Bar(x=[1, 2, 3], y=[3, 1, 2])), key="floor-plotly")
st.pydeck_chart(
    pdk.Deck(
        layers=[
            pdk.Layer(
                "ScatterplotLayer",
                id="floor",
                data=[{"x": 113.6, "y": 34.7}],
                get_position="[x, y]",
                get_radius=1000,
                get_fill_color=[200, 16, 46],
            )
        ],
        initial_view_state=pdk.ViewState(longitude=113.6, latitude=34.7, zoom=6),
        map_provider=None,
    ),
    key="floor-deck",
)
