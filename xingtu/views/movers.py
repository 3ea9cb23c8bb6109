"""The movers: child regions whose metric rose or fell most between the last two years with results.

The trends page's tables and the big screen's lists both come from ``compute_movers``.
"""

from __future__ import annotations

import pandas as pd

from xingtu.domain.metrics import format_change

Row = tuple[str, str, str]  # (rank, name, value text)


def compute_movers(child_years: pd.DataFrame, metric: str, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regions with the largest rise and fall of ``metric`` between the last two years with results
    (years or regions not imported have no change)."""
    present = child_years[child_years["units"] > 0] if len(child_years) else child_years
    if present.empty or present["year"].nunique() < 2:
        empty = pd.DataFrame(columns=["code", "name", "before", "after", "change"])
        return empty, empty
    last, prev = sorted(present["year"].unique())[-1], sorted(present["year"].unique())[-2]
    wide = present.pivot_table(index=["code", "name"], columns="year", values=metric)
    wide = wide.dropna(subset=[prev, last]).reset_index()
    out = pd.DataFrame(
        {"code": wide["code"], "name": wide["name"], "before": wide[prev], "after": wide[last]}
    )
    out["change"] = out["after"] - out["before"]
    up = out[out["change"] > 0].sort_values(["change", "code"], ascending=[False, True]).head(n)
    down = out[out["change"] < 0].sort_values(["change", "code"], ascending=[True, True]).head(n)
    return up.reset_index(drop=True), down.reset_index(drop=True)


def compute_mover_rows(movers: pd.DataFrame, metric: str) -> list[Row]:
    """One of ``compute_movers``' tables as (position, name, change text) rows, in its order."""
    return [
        (str(i + 1), str(name), format_change(metric, change))
        for i, (name, change) in enumerate(zip(movers["name"], movers["change"], strict=True))
    ]
