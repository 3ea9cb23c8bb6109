"""The movers view: the largest rises and falls between the last two years with results, the same
rows for the trends page's tables and the big screen's lists."""

from __future__ import annotations

import pandas as pd
import pytest

from xingtu.views.movers import compute_mover_rows, compute_movers

YEARS = (2023, 2024, 2025)


def _years(values: dict[str, tuple[float | None, ...]], units: dict[str, tuple[int, ...]] | None = None):
    rows = []
    for code, series in values.items():
        for i, (year, v) in enumerate(zip(YEARS, series, strict=True)):
            n = (units or {}).get(code, (5,) * len(YEARS))[i]
            rows.append({"code": code, "name": code.upper(), "year": year, "units": n, "mean_stars": v})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("child_years", "n", "up", "down"),
    [
        (  # between the last two years only; no change is neither
            _years({"a": (2.0, 2.5, 3.0), "b": (3.0, 3.0, 2.0), "c": (2.0, 2.0, 2.0)}),
            5,
            [["A", 0.5]],
            [["B", -1.0]],
        ),
        (  # largest first, ties in code order, at most n
            _years({"a": (0, 1.0, 1.5), "b": (0, 1.0, 2.0), "c": (0, 1.0, 1.5), "d": (0, 3.0, 1.0)}),
            2,
            [["B", 1.0], ["A", 0.5]],
            [["D", -2.0]],
        ),
        (  # a year nothing was imported for is skipped: 2023 → 2024
            _years({"a": (1.0, 2.0, 0.0), "b": (3.0, 2.5, 0.0)}, {"a": (5, 5, 0), "b": (5, 5, 0)}),
            5,
            [["A", 1.0]],
            [["B", -0.5]],
        ),
        (  # a region not imported in one of the two years has no change
            _years({"a": (1.0, 2.0, 3.0), "b": (1.0, 0.0, 3.0)}, {"b": (5, 0, 5)}),
            5,
            [["A", 1.0]],
            [],
        ),
        (_years({"a": (None, None, 3.0)}, {"a": (0, 0, 5)}), 5, [], []),  # one year with results
        (pd.DataFrame(columns=["code", "name", "year", "units", "mean_stars"]), 5, [], []),
    ],
)
def test_movers_between_the_last_two_years_with_results(child_years, n, up, down):
    rises, falls = compute_movers(child_years, "mean_stars", n)
    assert rises[["name", "change"]].values.tolist() == up
    assert falls[["name", "change"]].values.tolist() == down
    assert list(rises.columns) == list(falls.columns) == ["code", "name", "before", "after", "change"]


@pytest.mark.parametrize(
    ("metric", "changes", "texts"),
    [
        ("mean_stars", [0.5, -0.25], ["+0.50", "-0.25"]),
        ("share_ge3", [0.032, -0.1], ["+3.2 pt", "-10.0 pt"]),
        ("five_star", [1234.0, -2.0], ["+1,234", "-2"]),
    ],
)
def test_mover_rows_number_the_rows_and_format_the_change(metric, changes, texts):
    table = pd.DataFrame({"name": ["<b>甲</b>", "乙"], "change": changes})
    assert compute_mover_rows(table, metric) == [("1", "<b>甲</b>", texts[0]), ("2", "乙", texts[1])]
    assert compute_mover_rows(table.iloc[:0], metric) == []
