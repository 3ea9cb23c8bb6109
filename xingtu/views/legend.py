"""The map's legend classes: which regions are not imported, and the quantile classes of a metric.

The overview's map, the big screen's map and its "not imported" list read these; the colours
and the drawing stay with the map.
"""

from __future__ import annotations

import pandas as pd

from xingtu.domain.classes import classify, compute_breaks, format_class_labels
from xingtu.domain.metrics import METRIC_SPECS


def compute_not_imported(df: pd.DataFrame) -> pd.Series:
    """Rows of regions that have units of the scope's type but no results (未导入)."""
    if "expected" not in df:
        return pd.Series(False, index=df.index)
    return (df["units"] == 0) & (df["expected"] > 0)


def compute_classes(values: pd.Series, metric: str) -> tuple[list[int | None], list[str]]:
    """Quantile classes of the values (five at most) and their legend labels, low to high."""
    present = values.dropna()
    if present.empty:
        return [None] * len(values), []
    breaks = compute_breaks(present.tolist(), k=5, method="quantile")
    fmt = {"share": "{:.1%}", "mean": "{:.2f}", "count": "{:,.0f}"}[METRIC_SPECS[metric].kind]
    labels = format_class_labels(breaks, fmt, lower=float(present.min()))
    return classify(values.tolist(), breaks), labels
