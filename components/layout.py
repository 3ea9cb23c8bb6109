"""Every page's layout: density on a desktop, the phone layout (``layout.css``), and no Streamlit
chrome on pages that stand alone (``bare.css``: the big screen, a shared read-only link)."""

from __future__ import annotations

import streamlit as st

from components import templating

_CSS = templating.style_block("layout")
_BARE_CSS = templating.style_block("bare")


def apply(bare: bool = False) -> None:
    st.html(_CSS + (_BARE_CSS if bare else ""))
