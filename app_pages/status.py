"""数据概况: which dataset is loaded, its shape, its level distribution and where it comes from."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from components import level_chart
from xingtu.store import access

meta = access.load_meta()
years = access.load_years()
shape = access.load_region_counts()
province = meta["province_code"]
latest = max(years)

st.title("数据概况")
st.caption(f"{meta['dataset_name']} · 评定年度 {min(years)}–{latest} · 数据截止 {meta['as_of']}")


def _n(level: str, kind: str | None = None) -> int:
    rows = shape[(shape["level"] == level) & ((shape["kind"] == kind) if kind else True)]
    return int(rows["n"].sum())


cols = st.columns(5)
cols[0].metric("村（社区）", f"{_n('village'):,}", help="村级单位总数（国家统计局 2023 年区划）")
cols[1].metric("其中 村 / 社区", f"{_n('village', 'rural'):,} / {_n('village', 'urban'):,}")
cols[2].metric("乡镇（街道）", f"{_n('township'):,}")
cols[3].metric("县级单位", f"{_n('county'):,}", help="含无独立边界的功能区")
cols[4].metric("其中 功能区", f"{_n('county', 'zone'):,}", help="开发区等，单位归入所在市范围显示")

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(f"{latest} 年全省星级分布")
    counts = access.load_level_counts(province, "all", latest)
    if counts["units"].sum() == 0:
        st.info("该年度没有评定结果。")
    else:
        level_chart.render_level_bar(counts, key="status-levels")
with right:
    st.subheader("任务清单")
    standard = access.load_standard_summary()
    sample_note = " · 样例标准，请替换为本地清单" if meta.get("standard_sample") == "true" else ""
    st.caption(f"{meta['standard_name']}{sample_note}")
    table = standard.assign(
        类型=standard["unit_type"].map({"rural": "村", "urban": "社区"}),
        得星条件=standard["min_share_met"].map(lambda s: f"否决项全部达标，且达标率 ≥ {s:.0%}"),
    ).rename(columns={"star_name": "星", "tasks": "任务数", "veto_tasks": "否决项"})
    st.dataframe(table[["类型", "星", "任务数", "否决项", "得星条件"]], hide_index=True, width="stretch")

st.subheader("数据来源")
sources = pd.DataFrame(json.loads(meta["sources"])).rename(
    columns={"what": "内容", "source": "来源", "licence": "许可", "file": "文件"}
)
st.dataframe(sources, hide_index=True, width="stretch")
st.caption(f"数据库建立于 {meta['built_at']}（UTC），指纹 {meta['fingerprint']}。")
