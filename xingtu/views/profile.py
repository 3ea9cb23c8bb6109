"""A unit's profile as the unit page shows it: stars per year, unmet tasks, the problem ledger.

Plain frames in the language asked for (``lang``); the unit page (``components.unit_profile``)
only draws them. Overdue items of the ledger are those of the overdue list
(``xingtu.views.overdue``), by the rule of ``xingtu.domain.problems``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xingtu.domain.problems import is_open
from xingtu.i18n import translate
from xingtu.views.overdue import compute_flags, compute_overdue
from xingtu.viewstate import Lang

HELD, NOT_HELD = "★", "·"


def compute_star_matrix(stars: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Stars (rows, standard order) × years (columns): ★ held, · not held."""
    if stars.empty:
        return pd.DataFrame()
    grid = stars.pivot_table(index=["ord", "star_name"], columns="year", values="held", aggfunc="first")
    grid = grid.map(lambda h: HELD if h is True else NOT_HELD if h is False else "")
    grid.index = pd.Index(grid.index.get_level_values("star_name"), name=translate("unit.ledger.star", lang))
    grid.columns = [str(c) for c in grid.columns]
    return grid


def compute_unmet_table(unmet: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Unmet tasks grouped by star (standard order), veto items first within each star."""
    if unmet.empty:
        return unmet
    df = unmet.sort_values(["star_ord", "veto"], ascending=[True, False], kind="stable")
    return df.assign(veto_label=df["veto"].map({True: translate("unit.veto", lang), False: ""}))


def compute_ledger(problems: pd.DataFrame, as_of: dt.date | str, lang: Lang) -> pd.DataFrame:
    """The problem ledger as shown: the overdue items first (the overdue list's order), then the
    other open items by deadline, closed items last; ``state`` says 销号, overdue or the status.

    Adds ``overdue`` and ``days_overdue`` (missing for items not overdue).
    """
    if problems.empty:
        return problems.assign(overdue=pd.Series(dtype=bool), days_overdue=pd.Series(dtype="Int64"), state="")
    overdue = compute_overdue(problems, as_of)
    rest = problems[~compute_flags(problems, as_of)]
    rest = rest.assign(_closed=[not is_open(s) for s in rest["status"]])
    rest = rest.sort_values(["_closed", "deadline", "problem_id"], kind="stable").drop(columns="_closed")
    df = pd.concat(
        [overdue.assign(overdue=True), rest.assign(overdue=False, days_overdue=pd.NA)], ignore_index=True
    )
    df["days_overdue"] = df["days_overdue"].astype("Int64")
    df["overdue"] = df["overdue"].astype(bool)
    closed, late_label = translate("unit.ledger.closed", lang), translate("unit.ledger.overdue", lang)
    df["state"] = [
        closed if not is_open(s) else late_label if late else s
        for s, late in zip(df["status"], df["overdue"], strict=True)
    ]
    return df
