"""问题清单 rules: an item is open until 已销号, and overdue when open past its deadline on the data date.

Written once here; the store's SQL (building, importing, querying) and the overdue view
(``xingtu.views.overdue``: the briefing's list, the unit's ledger) use it. An item without a
deadline (长期坚持) is never overdue, in SQL (NULL) as in Python.
"""

from __future__ import annotations

import datetime as dt

CLOSED = "已销号"  # the status of an item that has been closed
# The overdue list's order: longest overdue first (earliest deadline), then a fixed order of ties.
OVERDUE_ORDER = ("deadline", "code", "problem_id")


def is_open(status: str) -> bool:
    """Not closed (销号)."""
    return status != CLOSED


def is_overdue(status: str, deadline: dt.date | None, as_of: dt.date) -> bool:
    """Open and past its deadline on the data date."""
    return is_open(status) and deadline is not None and deadline < as_of


def open_sql(alias: str = "") -> str:
    """The SQL condition of an open item (``alias``: the problems table's alias, if any)."""
    p = f"{alias}." if alias else ""
    return f"{p}status <> '{CLOSED}'"


def overdue_sql(alias: str = "", as_of: str = "$as_of") -> str:
    """The SQL condition of an overdue item, the data date as the SQL expression ``as_of``."""
    p = f"{alias}." if alias else ""
    return f"({open_sql(alias)} AND {p}deadline < {as_of})"


def overdue_order_sql(alias: str = "") -> str:
    """``OVERDUE_ORDER`` as an SQL ORDER BY list: a list cut short in SQL is the head of the whole."""
    p = f"{alias}." if alias else ""
    return ", ".join(f"{p}{column}" for column in OVERDUE_ORDER)
