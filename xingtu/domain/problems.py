"""问题清单 rules: an item is open until 已销号, and overdue when open past its deadline on the data date.

Written once here; the store's SQL (building, importing, querying) and the unit profile use it.
"""

from __future__ import annotations

import datetime as dt

CLOSED = "已销号"  # the status of an item that has been closed


def is_overdue(status: str, deadline: dt.date, as_of: dt.date) -> bool:
    """Open and past its deadline on the data date."""
    return status != CLOSED and deadline < as_of


def open_sql(alias: str = "") -> str:
    """The SQL condition of an open item (``alias``: the problems table's alias, if any)."""
    p = f"{alias}." if alias else ""
    return f"{p}status <> '{CLOSED}'"


def overdue_sql(alias: str = "", as_of: str = "$as_of") -> str:
    """The SQL condition of an overdue item, the data date as the SQL expression ``as_of``."""
    p = f"{alias}." if alias else ""
    return f"({open_sql(alias)} AND {p}deadline < {as_of})"
