"""数据导入: bring county 台账 in as a new dataset version, roll back, download templates."""

from __future__ import annotations

import streamlit as st

from components import import_panel
from components.view import t

st.title(t("import.title"))
import_panel.show_current()
upload, history, catalogue, templates = st.tabs(
    [t("import.tab.upload"), t("import.tab.versions"), t("import.tab.catalogue"), t("import.tab.templates")]
)
with upload:
    import_panel.show_upload(key="import")
with history:
    import_panel.show_versions(key="versions")
with catalogue:
    import_panel.show_catalogue(key="catalogue")
with templates:
    import_panel.show_templates(key="templates")
