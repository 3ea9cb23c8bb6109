"""Every page's layout: density on a desktop, the phone layout (``layout.css``), and no Streamlit
chrome on pages that stand alone (``bare.css``: the big screen, a shared read-only link)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent
_CSS = f"<style>{(_HERE / 'layout.css').read_text(encoding='utf-8')}</style>"
_BARE_CSS = f"<style>{(_HERE / 'bare.css').read_text(encoding='utf-8')}</style>"


def apply(bare: bool = False) -> None:
    st.html(_CSS + (_BARE_CSS if bare else ""))
