"""First-run gate: build the store with visible progress before any page queries it."""

from __future__ import annotations

import streamlit as st

from xingtu.safe import markdown_text
from xingtu.store.access import prepare_store
from xingtu.store.build import store_is_current


@st.cache_resource(show_spinner=False)
def _checked() -> bool:
    """Whether this process has already confirmed an up-to-date store."""
    return store_is_current()


def show() -> bool:
    """Ensure the store exists; on first run show a progress bar while it is built."""
    if _checked():
        return True
    box = st.empty()
    with box.container():
        st.info("首次运行：正在建立本地数据库（约半分钟），完成后自动进入看板。")
        bar = st.progress(0.0, text="准备中…")
    try:
        prepare_store(lambda f, msg: bar.progress(min(max(f, 0.0), 1.0), text=msg))
    except Exception as exc:  # any failure must reach the user as a message, not a traceback
        box.empty()
        st.error(
            f"数据库建立失败：{markdown_text(exc)}。请检查 data/ 与 geo/ 下的文件是否完整，然后刷新页面重试。"
        )
        return False
    box.empty()
    _checked.clear()
    return True
