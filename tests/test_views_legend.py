"""The legend classes view: which regions are not imported, and a metric's quantile classes with
their labels (the overview's map and the big screen's map draw these)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from xingtu.views.legend import compute_classes, compute_not_imported


@pytest.mark.parametrize(
    ("units", "expected", "missing"),
    [
        ([0, 3, 0, 0], [5, 3, 0, 2], [True, False, False, True]),  # units, no results
        ([1, 3], [5, 3], [False, False]),  # a partly imported region has results
        ([0, 0], [0, 0], [False, False]),  # no units of the type: nothing to import
        ([0, 2], None, [False, False]),  # no divisions' count: unknown, never "not imported"
    ],
)
def test_not_imported_means_units_but_no_results(units, expected, missing):
    df = pd.DataFrame(
        {"units": units} | ({"expected": expected} if expected else {}), index=[7, 8, 9, 10][: len(units)]
    )
    got = compute_not_imported(df)
    assert got.tolist() == missing and got.index.tolist() == df.index.tolist()


@pytest.mark.parametrize(
    ("values", "metric", "classes", "labels"),
    [
        (
            [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "mean_stars",
            [0, 0, 1, 1, 2, 2, 3, 3, 4, 4],
            ["1.00–2.00", "2.00–4.00", "4.00–6.00", "6.00–8.00", "8.00–10.00"],
        ),
        (  # shares as percentages; fewer distinct values than classes: one class each
            [0.1, 0.2, 0.9, 0.4],
            "share_ge3",
            [0, 1, 3, 2],
            ["10.0%", "10.0%–20.0%", "20.0%–40.0%", "40.0%–90.0%"],
        ),
        (  # counts with thousands separators
            [1200, 5, 30, 7, 100, 2],
            "overdue_problems",
            [4, 0, 2, 1, 3, 0],
            ["2–5", "5–7", "7–30", "30–100", "100–1,200"],
        ),
        ([0.5, 0.5, 0.5], "share_ge3", [0, 0, 0], ["50.0%"]),  # one value: one class
        ([math.nan, 3.0, 1.0], "mean_stars", [None, 1, 0], ["1.00", "1.00–3.00"]),  # no value: no class
        ([math.nan], "mean_stars", [None], []),
        ([], "mean_stars", [], []),
    ],
)
def test_classes_are_quantiles_with_labels_low_to_high(values, metric, classes, labels):
    assert compute_classes(pd.Series(values, dtype=float), metric) == (classes, labels)
