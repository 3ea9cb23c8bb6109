"""Small frames built by code for unit tests of components and views."""

from __future__ import annotations

import pandas as pd


def regions_frame(
    values: list[float], units: list[int] | None = None, kinds: list[str] | None = None
) -> pd.DataFrame:
    """Child regions of 漯河市 (县0, 县1 …) with a mean-stars value each, as the overview's
    ``children`` frame holds them: code, name, kind (``zone`` for a functional zone, which has no
    polygon), a point to draw it at, units with results."""
    n = len(values)
    kinds = kinds or ["county"] * n
    return pd.DataFrame(
        {
            "code": [f"4111{i:02d}000000" for i in range(n)],
            "name": [f"县{i}" for i in range(n)],
            "kind": kinds,
            "has_polygon": [k != "zone" for k in kinds],
            "lon": [113.0 + i * 0.1 for i in range(n)],
            "lat": [33.5] * n,
            "units": units or [10] * n,
            "mean_stars": values,
        }
    )
