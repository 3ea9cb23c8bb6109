"""Every table downloads as Excel and CSV, with the column names people see on the page.

The files are built only when a button is clicked (a callable ``data=``: Streamlit runs it
on its own thread, so the builders are pure and take the language as a value). Text that a
spreadsheet would run as a formula (``= + - @``, tab, CR) is neutralised
(``xingtu.export.neutralise``); numbers stay numbers. CSV is UTF-8 with a byte-order mark,
without which Excel opens Chinese text as mojibake.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components import view
from components.view import t
from xingtu import export
from xingtu.i18n import translate
from xingtu.viewstate import Lang


def _value(v: Any, yes: str, no: str) -> Any:
    """A cell as a plain Python value: numbers, dates, text; booleans as 是/否, lists joined."""
    if isinstance(v, bool | np.bool_):
        return yes if v else no
    if isinstance(v, list | tuple | np.ndarray):
        return "、".join(str(x) for x in v)
    if v is None or v is pd.NaT or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime) and v.time() == dt.time(0) and v.tzinfo is None:
        return v.date()
    if isinstance(v, int | float | dt.date):
        return v
    return str(v)


def compute_table(
    df: pd.DataFrame, columns: Mapping[str, str] | None, lang: Lang = "zh"
) -> tuple[list[str], list[list[Any]]]:
    """Header (the shown column names) and rows of plain values, not yet neutralised.

    ``columns`` maps data columns to shown names, in order; without it every column is
    exported under its own name.
    """
    columns = dict(columns) if columns is not None else {c: str(c) for c in df.columns}
    yes, no = translate("export.yes", lang), translate("export.no", lang)
    data = df[list(columns)]
    rows = [[_value(v, yes, no) for v in row] for row in data.itertuples(index=False, name=None)]
    return list(columns.values()), rows


def _width(value: Any) -> int:
    """Display width in Excel's character units: CJK characters are two wide."""
    text = value.isoformat() if isinstance(value, dt.date) else "" if value is None else str(value)
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def build_xlsx(
    df: pd.DataFrame, sheet: str, columns: Mapping[str, str] | None = None, lang: Lang = "zh"
) -> bytes:
    """One sheet: the shared formatted, frozen header; columns as wide as their content."""
    header, rows = compute_table(df, columns, lang)
    widths = [
        min(max(_width(h), *(_width(r[i]) for r in rows[:500]), 6) + 2, 60) if rows else max(_width(h) + 2, 8)
        for i, h in enumerate(header)
    ]
    return export.to_xlsx(export.file_stem(sheet)[:31], header, rows, widths)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(export.neutralise(value))


def build_csv(df: pd.DataFrame, columns: Mapping[str, str] | None = None, lang: Lang = "zh") -> bytes:
    """The same table as CSV, UTF-8 with BOM; text neutralised, numbers and dates as written."""
    header, rows = compute_table(df, columns, lang)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_text(h) for h in header])
    for row in rows:
        writer.writerow([_csv_text(v) if isinstance(v, str | dt.date) or v is None else v for v in row])
    return out.getvalue().encode("utf-8-sig")


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def show(df: pd.DataFrame, name: str, key: str, columns: Mapping[str, str] | None = None) -> None:
    """Two small buttons under a table: Excel and CSV of ``df`` (files named after ``name``).

    The bytes are built on click, not on every rerun, and a click does not rerun the page.
    """
    lang = view.lang()
    stem = export.file_stem(name)
    frame = df.copy()
    cols = dict(columns) if columns is not None else None
    with st.container(horizontal=True, gap="small", key=f"{key}.export"):
        st.download_button(
            t("export.xlsx"),
            functools.partial(build_xlsx, frame, stem, cols, lang),
            f"{stem}.xlsx",
            XLSX_MIME,
            key=f"{key}.xlsx",
            on_click="ignore",
            type="tertiary",
            icon=":material/download:",
            help=t("export.help"),
        )
        st.download_button(
            t("export.csv"),
            functools.partial(build_csv, frame, cols, lang),
            f"{stem}.csv",
            "text/csv",
            key=f"{key}.csv",
            on_click="ignore",
            type="tertiary",
            icon=":material/download:",
            help=t("export.help"),
        )
