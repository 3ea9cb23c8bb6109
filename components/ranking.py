"""The ranking table of the scope's child regions, with progress bars; a click drills in."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.view import t
from xingtu.domain.metrics import METRIC_SPECS, compute_ranks

HEIGHT = 520


def compute_ranking(metrics: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Rows best first, with competition ranks; regions with no units in scope last, unranked."""
    spec = METRIC_SPECS[metric]
    df = metrics.copy()
    df.loc[df["units"] == 0, metric] = float("nan")
    df["rank"] = compute_ranks(df[metric].tolist(), spec.higher_is_better)
    df = df.sort_values(["rank", "code"], na_position="last").reset_index(drop=True)
    zone = df.get("kind", pd.Series("", index=df.index)) == "zone"
    df["label"] = df["name"] + zone.map({True: f"（{t('common.kind.zone')}）", False: ""})
    if spec.kind == "share":
        df["shown"] = df[metric] * 100
    else:
        df["shown"] = df[metric]
    return df


def render(ranking: pd.DataFrame, metric: str, key: str, height: int = HEIGHT) -> str | None:
    """Draw the table; the code of the clicked row, if any."""
    spec = METRIC_SPECS[metric]
    top = float(ranking["shown"].max()) if ranking["shown"].notna().any() else 1.0
    fmt = {"share": "%.1f%%", "mean": "%.2f", "count": "%d"}[spec.kind]
    max_value = {"share": 100.0, "mean": 5.0, "count": max(top, 1.0)}[spec.kind]
    event = st.dataframe(
        ranking[["rank", "label", "shown", "units"]],
        column_config={
            "rank": st.column_config.NumberColumn(t("metric.rank"), format="%d", width="small"),
            "label": st.column_config.TextColumn(t("common.name")),
            "shown": st.column_config.ProgressColumn(
                t(f"metric.{metric}"), format=fmt, min_value=0.0, max_value=max_value
            ),
            "units": st.column_config.NumberColumn(t("metric.units"), format="localized"),
        },
        hide_index=True,
        height=height,
        on_select="rerun",
        selection_mode="single-row",
        key=key,
        width="stretch",
    )
    rows = event.selection.rows if event else []
    return str(ranking.iloc[rows[0]]["code"]) if rows else None
