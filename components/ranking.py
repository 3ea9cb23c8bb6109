"""The ranking of the scope's child regions as progress bars; sortable; a click drills in.

Drawn as plain HTML rows by a small inline component (``st.components.v2``: no iframe,
no chart library): a row is a progress bar, reads across a room, and a click on it sends
the region's code back. Plotly bars cost the overview about half a second of browser
time for 181 rows and a data grid 1.3 MB of JavaScript (bench/bench_pages.py). Names are
set as text (``textContent``), never as HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import templating, view
from components.view import t
from xingtu.domain.metrics import METRIC_SPECS, format_metric
from xingtu.views.legend import compute_not_imported
from xingtu.viewstate import SORTS

_RANKING = st.components.v2.component(
    "xingtu_ranking", css=str(templating.stylesheet("ranking")), js=templating.script("ranking")
)


def build_ranking_rows(ranking: pd.DataFrame, metric: str, not_imported: str) -> list[dict[str, object]]:
    """One row per region in display order: rank, name, value text, bar length (% of full scale).

    ``ranking`` is ``xingtu.views.ranking.compute_ranking``'s; a region with units but no results
    shows ``not_imported`` (the page's text for 未导入) as its value."""
    spec = METRIC_SPECS[metric]
    full = {"share": 100.0, "mean": 5.0}.get(spec.kind, float(ranking["shown"].max() or 1))
    missing = compute_not_imported(ranking).tolist()
    rows = []
    for rank, label, shown, value, units, code, absent in zip(
        ranking["rank"],
        ranking["label"],
        ranking["shown"],
        ranking[metric],
        ranking["units"],
        ranking["code"],
        missing,
        strict=True,
    ):
        text = not_imported if absent else format_metric(metric, value)
        rows.append(
            {
                "rank": "" if pd.isna(rank) else str(int(rank)),
                "label": str(label),
                "value": text,
                "pct": 0.0 if pd.isna(shown) else round(min(max(float(shown) / full, 0.0), 1.0) * 100, 1),
                "nodata": bool(pd.isna(value)),
                "code": str(code),
                "units": int(units),
            }
        )
    return rows


def show_sort(key: str) -> str:
    labels = {s: t(f"overview.sort.{s}") for s in SORTS}
    return view.bind(
        st.segmented_control,
        "sort",
        list(SORTS),
        key=key,
        label=t("overview.sort"),
        format_func=labels.__getitem__,
        decode=lambda s: s or "metric",
        label_visibility="collapsed",
    )


def render(rows: list[dict[str, object]], key: str, height: int, label: str, metric_label: str) -> str | None:
    """Draw the rows in a scrolling list; the code of the clicked region, if any."""
    result = _RANKING(
        data={
            "rows": rows,
            "height": height,
            "label": label,
            "metric": metric_label,
            "units": t("metric.units"),
        },
        key=key,
        on_picked_change=lambda: None,
        height=height,
    )
    picked = getattr(result, "picked", None)
    return str(picked) if picked else None
