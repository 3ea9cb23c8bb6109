"""The ranking view: ranks, order, labels and the download in the language given, and the big
screen's ranked lists (best half, worst half, most overdue, not imported), all from one ranking."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.frames import regions_frame
from xingtu.views.ranking import (
    compute_most,
    compute_not_imported_rows,
    compute_ranked,
    compute_ranking,
    compute_table,
    compute_top_bottom,
)


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("metric", ["县2", "县1", "县0", "县3"]),  # best first, the region without units last
        ("name", ["县0", "县1", "县2", "县3"]),  # code order, as in official lists
        ("units", ["县1", "县2", "县0", "县3"]),  # most units first
    ],
)
def test_ranking_sorts_and_ranks(sort, order):
    df = regions_frame([2.0, 3.0, 4.0, math.nan], units=[5, 9, 7, 0])
    table = compute_ranking(df, "mean_stars", "zh", sort)
    assert table["name"].tolist() == order
    ranks = {n: None if pd.isna(r) else int(r) for n, r in zip(table["name"], table["rank"], strict=True)}
    assert ranks == {"县0": 3, "县1": 2, "县2": 1, "县3": None}  # the same ranks in every order
    assert table.index.tolist() == list(range(4))


@pytest.mark.parametrize(
    ("values", "units", "metric", "ranks"),
    [
        ([3.0, 3.0, 2.0, 4.0], [1, 1, 1, 1], "mean_stars", [1, 2, 2, 4]),  # ties share a rank
        ([5.0, 1.0], [0, 3], "mean_stars", [1, None]),  # no units: no value, no rank, even with one
        ([0.2, 0.9], [4, 4], "share_ge3", [1, 2]),
        ([9.0, 1.0, 4.0], [2, 2, 2], "overdue_problems", [1, 2, 3]),  # fewer is better
    ],
)
def test_ranked_gives_competition_ranks_in_display_order(values, units, metric, ranks):
    df = regions_frame(values, units).rename(columns={"mean_stars": metric})
    table = compute_ranked(df, metric)
    assert [None if pd.isna(r) else int(r) for r in table["rank"]] == ranks
    assert "label" not in table  # plain numbers: no text in any language


@pytest.mark.parametrize(
    ("metric", "value", "shown"),
    [("share_ge3", 0.875, 87.5), ("mean_stars", 3.25, 3.25), ("overdue_problems", 7.0, 7.0)],
)
def test_shown_is_the_value_as_displayed_shares_in_percent(metric, value, shown):
    df = regions_frame([value]).rename(columns={"mean_stars": metric})
    assert compute_ranked(df, metric)["shown"].tolist() == [pytest.approx(shown)]


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("zh", ["县0", "县1（功能区）"]),
        ("en", ["县0", "县1（Zone）"]),
    ],
)
def test_a_zone_is_labelled_as_one_in_the_language_given(lang, labels):
    df = regions_frame([3.0, 2.0], kinds=["county", "zone"])
    assert compute_ranking(df, "mean_stars", lang)["label"].tolist() == labels


def test_regions_without_a_kind_are_labelled_by_name():
    df = regions_frame([3.0, 2.0]).drop(columns="kind")
    assert compute_ranking(df, "mean_stars", "zh")["label"].tolist() == ["县0", "县1"]


@pytest.mark.parametrize(
    ("lang", "metric", "columns", "values"),
    [
        ("zh", "share_ge3", ["排名", "名称", "区划代码", "三星及以上占比（%）", "单位数"], [86.0, 50.0]),
        ("en", "share_ge3", ["Rank", "Name", "Code", "Share ≥ 3 stars (%)", "Units"], [86.0, 50.0]),
        ("zh", "mean_stars", ["排名", "名称", "区划代码", "平均星数", "单位数"], [0.86, 0.5]),
        ("en", "overdue_problems", ["Rank", "Name", "Code", "Overdue problems", "Units"], [1, 1]),
    ],
)
def test_download_table_names_its_columns_in_the_language_given(lang, metric, columns, values):
    df = regions_frame([0.86, 0.5], units=[12, 3]).rename(columns={"mean_stars": metric})
    if metric == "overdue_problems":
        df[metric] = [0.6, 1.4]  # counts are whole numbers in the download
    out = compute_table(compute_ranking(df, metric, lang), metric, lang)
    assert list(out.columns) == columns
    assert out.iloc[:, 3].tolist() == values
    assert out.iloc[:, 4].tolist() == [12, 3] and str(out.iloc[:, 4].dtype) == "int64"


CHILDREN = pd.DataFrame(
    {
        "code": [f"c{i}" for i in range(6)],
        "name": [f"县{i}" for i in range(6)],
        "units": [5, 5, 5, 5, 5, 0],
        "mean_stars": [2.0, 3.5, 3.0, 4.0, 1.0, 5.0],
        "overdue_problems": [3, 0, 9, 1, 2, 0],
        "five_star": [2, 2, 0, 1, 0, 0],
    }
)


@pytest.mark.parametrize(
    ("children", "metric", "n", "top", "bottom"),
    [
        (  # the better half best first, the worse half worst first; no units: left out
            CHILDREN,
            "mean_stars",
            5,
            [("1", "县3", "4.00"), ("2", "县1", "3.50"), ("3", "县2", "3.00")],
            [("5", "县4", "1.00"), ("4", "县0", "2.00")],
        ),
        (  # at most n each
            CHILDREN,
            "mean_stars",
            2,
            [("1", "县3", "4.00"), ("2", "县1", "3.50")],
            [("5", "县4", "1.00"), ("4", "县0", "2.00")],
        ),
        (  # fewer is better: the most overdue is the worst
            CHILDREN,
            "overdue_problems",
            2,
            [("1", "县1", "0"), ("2", "县3", "1")],
            [("5", "县2", "9"), ("4", "县0", "3")],
        ),
        (CHILDREN.iloc[:1], "mean_stars", 5, [("1", "县0", "2.00")], []),  # one region: one list
        (  # ties share a rank, as in the overview's ranking
            CHILDREN.assign(mean_stars=[3.0, 3.0, 2.0, 4.0, 1.0, 5.0]),
            "mean_stars",
            3,
            [("1", "县3", "4.00"), ("2", "县0", "3.00"), ("2", "县1", "3.00")],
            [("5", "县4", "1.00"), ("4", "县2", "2.00")],
        ),
        (CHILDREN.assign(units=0), "mean_stars", 5, [], []),  # nothing imported: no lists
    ],
)
def test_top_and_bottom_lists_rank_by_the_metric_and_skip_empty_regions(children, metric, n, top, bottom):
    assert compute_top_bottom(children, metric, n) == (top, bottom)


def test_top_and_bottom_ranks_are_the_overview_rankings():
    table = compute_ranking(CHILDREN, "mean_stars", "zh").dropna(subset=["rank"])
    top, bottom = compute_top_bottom(CHILDREN, "mean_stars", 10)
    shown = {name: rank for rank, name, _ in top + bottom}
    assert shown == {name: str(int(r)) for name, r in zip(table["name"], table["rank"], strict=True)}


@pytest.mark.parametrize(
    ("metric", "n", "expected"),
    [
        (  # most first, none with zero
            "overdue_problems",
            5,
            [("1", "县2", "9"), ("2", "县0", "3"), ("3", "县4", "2"), ("4", "县3", "1")],
        ),
        ("overdue_problems", 2, [("1", "县2", "9"), ("2", "县0", "3")]),
        ("five_star", 3, [("1", "县0", "2"), ("2", "县1", "2"), ("3", "县3", "1")]),  # ties in code order
    ],
)
def test_most_lists_the_highest_values_above_zero(metric, n, expected):
    assert compute_most(CHILDREN, metric, n) == expected


@pytest.mark.parametrize(
    ("units", "expected", "n", "rows", "count"),
    [
        ([0, 4, 0, 0], [1200, 4, 30, 0], 5, [("", "县2", "30"), ("", "县0", "1,200")], 2),  # code order
        ([0, 4, 0, 0], [1200, 4, 30, 0], 1, [("", "县2", "30")], 2),  # at most n, all counted
        ([1, 4, 2, 0], [1, 4, 2, 0], 5, [], 0),  # every region with units imported
    ],
)
def test_not_imported_rows_list_regions_with_units_but_no_results(units, expected, n, rows, count):
    children = pd.DataFrame(
        {
            "code": ["c2", "c0", "c1", "c3"],
            "name": ["县0", "县1", "县2", "县3"],
            "units": units,
            "expected": expected,
        }
    )
    assert compute_not_imported_rows(children, n) == (rows, count)
