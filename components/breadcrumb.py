"""Where the view is in the hierarchy; each ancestor is a link-like button back up."""

from __future__ import annotations

import streamlit as st

from components import view
from xingtu.safe import markdown_text
from xingtu.store import access


def show(region: str, key: str) -> None:
    """The region's ancestors, province first, as buttons; the region itself in bold."""
    rows = list(access.load_region_path(region).itertuples(index=False))
    widths = [1.0] * (len(rows) - 1) + [1.4, max(1.0, 10.0 - len(rows))]
    cols = st.columns(widths, gap="small", vertical_alignment="center")
    who = access.principal()
    for col, row in zip(cols, rows[:-1], strict=False):
        col.button(
            f"{markdown_text(row.name)}  ›",
            key=f"{key}.{row.code}",
            on_click=view.update,
            kwargs={"region": row.code},
            type="tertiary",
            icon=":material/arrow_upward:" if row is rows[-2] else None,
            disabled=not who.sees_region(row.code),  # above the scope: a name, not a way out of it
        )
    with cols[len(rows) - 1]:
        st.markdown(f"**:red[{markdown_text(rows[-1].name)}]**")
