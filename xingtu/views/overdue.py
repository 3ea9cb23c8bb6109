"""The overdue list: 问题清单 items still open past their deadline on the data date.

Every place that lists overdue items reads it from ``compute_overdue``: the county briefing's
table (the scope's items of the year, which the store cuts short in SQL) and the unit page's
ledger (``xingtu.views.profile.compute_ledger``). Which items are overdue, and their order
(longest overdue first), are the rules of ``xingtu.domain.problems``, which the store's SQL uses
too: the list holds the items the headline's overdue count counts.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xingtu.domain.problems import OVERDUE_ORDER, is_overdue


def _date(value: object) -> dt.date | None:
    """A date from a store's value: a date, a datetime, a Timestamp, a numpy datetime or an ISO
    string; None when missing."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]) if value.strip() else None
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return None
    if isinstance(value, dt.datetime):  # a Timestamp too
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def _as_of(as_of: dt.date | str, problems: pd.DataFrame) -> dt.date:
    day = _date(as_of)
    if day is None and len(problems):
        raise ValueError("the data date (as_of) is needed to tell overdue items")
    return day or dt.date.min


def compute_flags(problems: pd.DataFrame, as_of: dt.date | str) -> pd.Series:
    """Whether each item (``status``, ``deadline``) is overdue on the data date ``as_of``."""
    day = _as_of(as_of, problems)
    flags = [
        is_overdue(status, _date(deadline), day)
        for status, deadline in zip(problems["status"], problems["deadline"], strict=True)
    ]
    return pd.Series(flags, index=problems.index, dtype=bool)


def compute_overdue(problems: pd.DataFrame, as_of: dt.date | str, limit: int | None = None) -> pd.DataFrame:
    """The overdue items of ``problems``, longest overdue first, with ``days_overdue``.

    ``problems`` has at least ``status``, ``deadline``, ``code`` and ``problem_id``; its other
    columns (names, the helper, the measure …) are kept. ``limit``: the first so many.
    """
    day = _as_of(as_of, problems)
    items = problems[compute_flags(problems, day)]
    items = items.sort_values(list(OVERDUE_ORDER), kind="stable")
    if limit is not None:
        items = items.head(max(int(limit), 0))
    days = [(day - deadline).days for deadline in map(_date, items["deadline"]) if deadline is not None]
    return items.assign(days_overdue=pd.Series(days, index=items.index, dtype="int64")).reset_index(drop=True)
