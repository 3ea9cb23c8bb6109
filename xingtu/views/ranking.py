"""The ranking of a scope's child regions, and the ranked lists the big screen shows.

The overview's bars, its download and the big screen's best/worst lists all take their ranks
from ``compute_ranked``: competition ranks (ties share a rank, best = 1), regions without units
unranked. Texts come in the language given; nothing here reads a page's language.
"""

from __future__ import annotations

import pandas as pd

from xingtu.domain.metrics import METRIC_SPECS, compute_ranks, format_metric
from xingtu.i18n import translate
from xingtu.views.legend import compute_not_imported
from xingtu.viewstate import Lang

Row = tuple[str, str, str]  # (rank, name, value text)


def compute_ranked(metrics: pd.DataFrame, metric: str, sort: str = "metric") -> pd.DataFrame:
    """Rows in display order with competition ranks (best = 1); regions without units unranked, last.

    ``sort`` is ``metric`` (best first), ``name`` (code order, as in official lists) or ``units``.
    ``shown`` is the value as displayed (shares in %).
    """
    spec = METRIC_SPECS[metric]
    df = metrics.copy()
    df.loc[df["units"] == 0, metric] = float("nan")
    df["rank"] = compute_ranks(df[metric].tolist(), spec.higher_is_better)
    if sort == "name":
        df = df.sort_values("code")
    elif sort == "units":
        df = df.sort_values(["units", "code"], ascending=[False, True])
    else:
        df = df.sort_values(["rank", "code"], na_position="last")
    df = df.reset_index(drop=True)
    df["shown"] = df[metric] * 100 if spec.kind == "share" else df[metric]
    return df


def compute_ranking(metrics: pd.DataFrame, metric: str, lang: Lang, sort: str = "metric") -> pd.DataFrame:
    """``compute_ranked`` with each region's ``label`` in ``lang``: its name, a zone marked as one."""
    df = compute_ranked(metrics, metric, sort)
    zone = df.get("kind", pd.Series("", index=df.index)) == "zone"
    mark = f"（{translate('common.kind.zone', lang)}）"
    df["label"] = df["name"] + zone.map({True: mark, False: ""})
    return df


def compute_table(ranking: pd.DataFrame, metric: str, lang: Lang) -> pd.DataFrame:
    """The rows as a download, in display order: rank, name, code, value (shares in %), units."""
    spec = METRIC_SPECS[metric]
    label = translate(f"metric.{metric}", lang)
    if spec.kind == "share":
        label = translate("export.percent", lang, label=label)
    shown = ranking["shown"].round().astype("Int64") if spec.kind == "count" else ranking["shown"].round(2)
    return pd.DataFrame(
        {
            translate("metric.rank", lang): ranking["rank"].astype("Int64"),
            translate("common.name", lang): ranking["label"],
            translate("export.code", lang): ranking["code"],
            label: shown,
            translate("metric.units", lang): ranking["units"].astype("int64"),
        }
    )


def compute_top_bottom(children: pd.DataFrame, metric: str, n: int) -> tuple[list[Row], list[Row]]:
    """The ranking by ``metric`` split in two: the better half best first, the worse half worst
    first, at most ``n`` rows each (the screen shows the first rows that fit). Each region is
    in one list only; ranks are the overview ranking's competition ranks; regions without units
    are left out. Plain names: the side panels are narrow, and a zone's own name (…开发区,
    …示范区) already says what it is."""
    table = compute_ranked(children, metric).dropna(subset=["rank"])
    rows = [
        (str(int(r)), str(name), format_metric(metric, v))
        for r, name, v in zip(table["rank"], table["name"], table[metric], strict=True)
    ]
    half = (len(rows) + 1) // 2
    return rows[:half][:n], rows[half:][::-1][:n]


def compute_not_imported_rows(children: pd.DataFrame, n: int) -> tuple[list[Row], int]:
    """Up to ``n`` child regions with units but no results (in code order), and how many there are."""
    missing = children[compute_not_imported(children)].sort_values("code")
    rows = [
        ("", str(name), f"{int(units):,}")
        for name, units in zip(missing["name"], missing["expected"], strict=True)
    ]
    return rows[:n], len(missing)


def compute_most(children: pd.DataFrame, metric: str, n: int) -> list[Row]:
    """The ``n`` child regions with the highest ``metric`` above zero (e.g. most overdue problems)."""
    df = (
        children[children[metric].fillna(0) > 0]
        .sort_values([metric, "code"], ascending=[False, True])
        .head(n)
    )
    return [
        (str(i + 1), str(r["name"]), format_metric(metric, r[metric]))
        for i, (_, r) in enumerate(df.iterrows())
    ]
