"""Where the view is in the hierarchy; each ancestor is a link-like button back up."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import view


def show(path: pd.DataFrame, key: str) -> None:
    """``path`` is province-first (code, name); the last entry is the current scope (bold, no button)."""
    rows = list(path.itertuples(index=False))
    widths = [1.0] * (len(rows) - 1) + [1.4, max(1.0, 10.0 - len(rows))]
    cols = st.columns(widths, gap="small", vertical_alignment="center")
    for col, row in zip(cols, rows[:-1], strict=False):
        col.button(
            f"{row.name}  ›",
            key=f"{key}.{row.code}",
            on_click=view.update,
            kwargs={"region": row.code},
            type="tertiary",
            icon=":material/arrow_upward:" if row is rows[-2] else None,
        )
    with cols[len(rows) - 1]:
        st.markdown(f"**:red[{view.md(rows[-1].name)}]**")
