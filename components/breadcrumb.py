"""Where the view is in the hierarchy; each ancestor is a link-like button back up."""

from __future__ import annotations

import streamlit as st

from components import view
from xingtu.store import access


def show(region: str, key: str) -> None:
    """The region's ancestors, province first, as buttons; the region itself in bold."""
    rows = list(access.load_region_path(region).itertuples(index=False))
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
