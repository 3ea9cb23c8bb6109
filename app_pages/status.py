"""数据概况: which dataset is loaded, its shape, its level distribution and where it comes from."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from components import coverage, level_chart, table_export, view
from components.view import t
from xingtu.i18n import translate
from xingtu.safe import markdown_text
from xingtu.session import access
from xingtu.store.build import SOURCE_IDS, source_row

# the base a dataset kind grew from: its generated title (imports keep the base's title)
DATASET_BASE = {"sample": "sample", "mixed": "sample", "empty": "empty", "imported": "empty"}


def dataset_title(meta: dict[str, str]) -> str:
    """The dataset's title in the UI's language: a generated title is translated, any other as it is."""
    base = DATASET_BASE.get(meta.get("dataset_kind", ""))
    province = meta.get("province_name", "")
    key = f"status.dataset.{base}"
    if base and meta["dataset_name"] == translate(key, "zh", province=province):
        return t(key, province=province)
    return meta["dataset_name"]


def standard_title(meta: dict[str, str]) -> str:
    """The catalogue's name; the bundled sample catalogue's in the UI's language."""
    if meta["standard_name"] == translate("status.standard.sample_name", "zh"):
        return t("status.standard.sample_name")
    return meta["standard_name"]


def sources_table(meta: dict[str, str]) -> pd.DataFrame:
    """The sources the store names; the ones the build wrote are shown in the UI's language."""
    known = {json.dumps(source_row(i), sort_keys=True): i for i in (*SOURCE_IDS, "imported")}
    rows = [
        source_row(known[key], view.lang()) if (key := json.dumps(row, sort_keys=True)) in known else row
        for row in json.loads(meta["sources"])
    ]
    return pd.DataFrame(rows)


meta = access.load_meta()
years = access.load_years()
root = view.context().root  # the session's scope: province staff see the province, a county its county
shape = access.load_region_counts(root)
latest = max(years)

st.title(t("status.title"))
st.caption(
    t(
        "status.caption",
        name=markdown_text(dataset_title(meta)),
        first=min(years),
        last=latest,
        as_of=markdown_text(meta["as_of"]),
    )
)


def _n(level: str, kind: str | None = None) -> int:
    rows = shape[(shape["level"] == level) & ((shape["kind"] == kind) if kind else True)]
    return int(rows["n"].sum())


cols = st.columns(5)
cols[0].metric(t("status.units"), f"{_n('village'):,}", help=t("status.units.help"))
cols[1].metric(t("status.units_by_type"), f"{_n('village', 'rural'):,} / {_n('village', 'urban'):,}")
cols[2].metric(t("status.townships"), f"{_n('township'):,}")
cols[3].metric(t("status.counties"), f"{_n('county'):,}", help=t("status.counties.help"))
cols[4].metric(t("status.zones"), f"{_n('county', 'zone'):,}", help=t("status.zones.help"))

scope_name = str(access.load_region_path(root)["name"].iloc[-1])
coverage.render(access.load_coverage(root), scope_name, key="status.coverage", root=root)

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("status.levels", year=latest))
    counts = access.load_level_counts(root, "all", latest)
    if counts["units"].sum() == 0:
        st.info(t("status.levels.empty"))
    else:
        level_chart.render_level_bar(counts, key="status-levels", filename=t("status.levels", year=latest))
with right:
    st.subheader(t("status.standard"))
    standard = access.load_standard_summary()
    sample_note = t("status.standard.sample") if meta.get("standard_sample") == "true" else ""
    st.caption(f"{markdown_text(standard_title(meta))}{sample_note}")
    table = standard.assign(
        type=standard["unit_type"].map({"rural": t("type.one.rural"), "urban": t("type.one.urban")}),
        rule=standard["min_share_met"].map(lambda s: t("status.standard.rule", share=f"{s:.0%}")),
    )
    columns = {
        "type": t("status.col.type"),
        "star_name": t("status.col.star"),
        "tasks": t("status.col.tasks"),
        "veto_tasks": t("status.col.veto"),
        "rule": t("status.col.rule"),
    }
    st.dataframe(table[list(columns)], column_config=columns, hide_index=True, width="stretch")
    table_export.show(table, t("status.standard"), key="status.standard", columns=columns)

st.subheader(t("status.sources"))
sources = sources_table(meta)
source_columns = {
    "what": t("status.col.what"),
    "source": t("status.col.source"),
    "licence": t("status.col.licence"),
    "file": t("status.col.file"),
}
st.dataframe(sources, column_config=source_columns, hide_index=True, width="stretch")
table_export.show(sources, t("status.sources"), key="status.sources", columns=source_columns)
st.caption(t("status.built", built=meta["built_at"], fingerprint=meta["fingerprint"]))
