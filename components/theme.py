"""Colours and type shared by every chart, so levels look the same everywhere."""

from __future__ import annotations

import threading
from typing import Any

import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from xingtu.export import file_stem

# 五星 … 未评星: a red sequence (party-building red for the top), grey for unrated.
LEVEL_COLORS: dict[int, str] = {
    5: "#8E0E1F",
    4: "#C8102E",
    3: "#E8613C",
    2: "#F2A65A",
    1: "#F6D6A8",
    0: "#D0D0D0",
}
FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
TEXT_COLOR = "#262730"

# Classed choropleth palettes (light → dark red), one per number of classes.
_RAMP = ("#FDE5D8", "#F8B49A", "#EE7B5E", "#D23F37", "#8E0E1F")
CLASS_COLORS: dict[int, tuple[str, ...]] = {
    1: (_RAMP[3],),
    2: (_RAMP[1], _RAMP[4]),
    3: (_RAMP[0], _RAMP[2], _RAMP[4]),
    4: (_RAMP[0], _RAMP[2], _RAMP[3], _RAMP[4]),
    5: _RAMP,
}
NO_DATA_COLOR = "#E6E6E6"


def hex_to_rgb(color: str) -> list[int]:
    """'#C8102E' → [200, 16, 46], for deck.gl colour accessors."""
    return [int(color[i : i + 2], 16) for i in (1, 3, 5)]


def figure(traces: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A figure from plain trace and layout dicts, skipping plotly's per-property validation.

    Validation costs tens of milliseconds per rerun for the map and the ranking; the
    specs here are fixed code (tests check them), and plotly.js ignores nothing we send.
    """
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


# Every chart people look at offers plotly's camera button: a PNG drawn in the browser (no
# service, works offline) at twice the size, for slides and reports. Only that button: the
# zoom and pan tools were turned off on purpose, and the plotly logo links out.
CHART_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "displayModeBar": "hover",
    "modeBarButtons": [["toImage"]],
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "xingtu"},
}


class FrozenFigure(go.Figure):
    """A finished figure that is drawn many times and never changed: its dict is made once.

    Streamlit turns a figure into its dict (a deep copy of every array) on each run that draws
    it; a figure shared by every session (``view.built``) keeps that dict and hands it out.
    """

    def to_dict(self) -> dict[str, Any]:
        return self._frozen_dict

    @classmethod
    def of(cls, fig: go.Figure) -> FrozenFigure:
        frozen = cls(fig.to_dict(), _validate=False)  # checked when it was built
        # the dict handed out is the figure's own data and layout, not a second copy of them
        # (half the memory of a cached figure); ``to_dict`` of ``fig`` equals it (tested)
        frozen._frozen_dict = {"data": frozen._data, "layout": frozen._layout}
        if frozen.frames:
            frozen._frozen_dict["frames"] = fig.to_dict()["frames"]
        return frozen


def drawn_styler(styler: Styler) -> Styler:
    """``styler``, changed to work its styles out once: for a styled grid drawn many times.

    Streamlit asks pandas to compute and translate a Styler's styles on every run that draws
    it (for a province's coverage matrix, most of the page's cost). Shared by every session
    (``view.built``), this one keeps the first answer per element position (its ``uuid``); the
    lock makes the first computation happen once even when two sessions draw it at once. It
    stays a plain ``Styler`` (Streamlit recognises Stylers by their exact type).
    """
    lock = threading.Lock()
    compute, translate = styler._compute, styler._translate
    computed: list[bool] = []
    translated: dict[tuple, Any] = {}

    def compute_once() -> Styler:
        with lock:
            if not computed:
                compute()
                computed.append(True)
        return styler

    def translate_once(sparse_index: bool, sparse_cols: bool, *args: Any, **kwargs: Any) -> Any:
        key = (styler.uuid, sparse_index, sparse_cols, args, tuple(sorted(kwargs.items())))
        with lock:
            if key not in translated:
                translated[key] = translate(sparse_index, sparse_cols, *args, **kwargs)
            return translated[key]

    styler._compute = compute_once  # type: ignore[method-assign]
    styler._translate = translate_once  # type: ignore[method-assign]
    return styler


def chart_config(filename: str, **extra: Any) -> dict[str, Any]:
    """The shared chart config with the PNG named after what the chart shows (its title)."""
    image = {**CHART_CONFIG["toImageButtonOptions"], "filename": file_stem(filename)}
    return {**CHART_CONFIG, "toImageButtonOptions": image, **extra}
