"""A cached figure (``theme.FrozenFigure``) hands Streamlit exactly what the figure it froze
would, without copying its data on each draw or keeping two copies of it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io
import plotly.tools
import pytest

from components.theme import FrozenFigure
from components.trend_charts import build_level_stack
from components.weak_charts import build_heat


def _level_stack() -> go.Figure:
    trend = pd.DataFrame(
        [(year, level, 0.1 + 0.01 * level, 10 + level) for year in (2023, 2024) for level in range(6)],
        columns=["year", "level", "share", "units"],
    )
    return build_level_stack(trend, {level: f"{level}星" for level in range(6)})


def _heat() -> go.Figure:  # numpy arrays inside: plotly encodes them (base64) in its dict
    rows = [
        ("411102000000", "源汇区", star, share)
        for star, share in (("支部过硬星", 0.25), ("产业兴旺星", np.nan), ("生态宜居星", 0.5))
    ]
    return build_heat(
        pd.DataFrame(rows, columns=["code", "name", "star_name", "share"]), "star_name", "未达标"
    )


def _with_numpy() -> go.Figure:
    return go.Figure(
        go.Scatter(x=np.arange(5), y=np.linspace(0, 1, 5)), layout={"meta": {"legend": [["#fff", "a"]]}}
    )


@pytest.mark.parametrize("build", [_level_stack, _heat, _with_numpy])
def test_a_frozen_figure_gives_what_its_figure_gives(build):
    fig = build()
    frozen = FrozenFigure.of(fig)
    assert frozen.to_dict() == fig.to_dict()
    assert frozen.to_dict() is frozen.to_dict()  # made once, not copied per draw
    assert frozen.to_dict()["data"] is frozen._data  # the figure's own data, not a second copy

    # what st.plotly_chart sends (its two steps)
    def sent(figure: go.Figure) -> str:
        return plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(figure, True), validate=False)

    assert json.loads(sent(frozen)) == json.loads(sent(fig))  # the same, keys perhaps in another order
    assert frozen.layout.meta == fig.layout.meta  # read by the map legends
