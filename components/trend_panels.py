"""The trends page's panels: each draws its title, chart or table, and its empty state."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import table_export, trend_charts, view
from components.panel import panel
from components.theme import chart_config
from components.view import t
from xingtu.domain.hierarchy import region_level
from xingtu.domain.metrics import format_change, format_metric
from xingtu.session import access
from xingtu.views.movers import compute_movers
from xingtu.viewstate import MAX_COMPARE


def render_monthly(monthly: pd.DataFrame, scope: str, shown: tuple) -> None:
    """This year's monthly progress; ``shown``: the view's values the data came from (cache key)."""
    year = int(monthly["year"].iloc[0]) if len(monthly) else None
    title = t("trends.monthly", year=year or "")
    st.markdown(f"**{title}**")
    if monthly.empty:
        st.info(t("trends.monthly.empty"))
        return
    config = chart_config(f"{scope}_{title}")
    months = t("trends.months").split(",")
    fig = view.built("trends.monthly", *shown, build=lambda: trend_charts.build_monthly(monthly, months))
    st.plotly_chart(fig, key="trends.monthly", config=config)


def render_targets(df: pd.DataFrame, child_level: str, year: int, scope: str, shown: tuple) -> None:
    title = t("trends.targets", level=t("overview.ranking.level." + child_level), year=year)
    st.markdown(f"**{title}**")
    if df.empty or child_level == "village":
        st.info(t("trends.targets.empty"))
        return
    labels = {
        "target": t("common.target"),
        "result": t("trends.result"),
        "share": t("metric.share_meet_target"),
        "axis": t("trends.targets.axis"),
    }
    with st.container(height=360, border=False):
        st.plotly_chart(
            view.built(
                "trends.targets",
                *shown,
                build=lambda: trend_charts.build_target_vs_result(df, labels, height=340),
            ),
            key="trends.targets",
            config=chart_config(f"{scope}_{title}"),
        )


@panel
def render_compare(unit_type: str, key: str) -> None:
    """Counties side by side: choosing them redraws this panel alone."""
    st.markdown(f"**{t('trends.compare')}**")
    ctx = view.context()
    if region_level(ctx.root) not in ("province", "city"):  # a county's staff have one county only
        st.info(t("trends.compare.single"))
        return

    def build_names() -> dict[str, str]:
        regions = access.load_region_table()
        counties = regions[regions["code"].isin(ctx.counties)]
        cities = dict(zip(regions["code"], regions["name"], strict=True))
        return {
            c: f"{n}（{cities.get(p, '')}）"
            for c, n, p in zip(counties["code"], counties["name"], counties["parent_code"], strict=True)
        }

    names = view.built("trends.compare.names", ctx.root, build=build_names)
    chosen = view.bind_multi(
        "compare",
        list(names),
        key=key,
        label=t("trends.compare.pick", n=MAX_COMPARE),
        format_func=lambda c: names[c],
        max_selections=MAX_COMPARE,
        placeholder=t("filter.search_hint"),
    )
    if not chosen:
        st.info(t("trends.compare.empty"))
        return
    county_years = access.load_county_years(ctx.root, unit_type)
    fig = view.built(
        "trends.compare",
        ctx.root,
        unit_type,
        chosen,
        build=lambda: trend_charts.build_compare(county_years, chosen, "mean_stars", t("metric.mean_stars")),
    )
    st.plotly_chart(fig, key=f"{key}.chart", config=chart_config(t("trends.compare")))


def render_movers(child_years: pd.DataFrame, child_level: str, key: str, scope: str, shown: tuple) -> None:
    heading = t("trends.movers", level=t("overview.ranking.level." + child_level))
    st.markdown(f"**{heading}**")
    (up, up_shown), (down, down_shown) = view.built(
        "trends.movers", *shown, build=lambda: _movers(child_years)
    )
    if up.empty and down.empty:
        st.info(t("trends.movers.empty"))
        return
    for title, table, formatted, icon in (
        (t("trends.up"), up, up_shown, "⬆"),
        (t("trends.down"), down, down_shown, "⬇"),
    ):
        st.caption(f"{icon} {title}")
        if table.empty:
            st.write(t("trends.movers.none"))
            continue
        columns = {
            "name": t("common.name"),
            "before": t("trends.before"),
            "after": t("trends.after"),
            "change": t("trends.change"),
        }
        st.dataframe(
            formatted[list(columns)],
            column_config=columns,
            hide_index=True,
            width="stretch",
            key=f"{key}.{icon}",
        )
        # the numbers themselves (a fall stays a negative number, not text), to 2 decimals
        table_export.show(
            table.round({"before": 2, "after": 2, "change": 2}),
            f"{scope}_{heading}_{title}",
            key=f"{key}.{icon}",
            columns=columns,
        )


def _movers(child_years: pd.DataFrame) -> tuple[tuple[pd.DataFrame, pd.DataFrame], ...]:
    """The regions that rose and fell most: each table with its rows as the page writes them."""
    tables = compute_movers(child_years, "mean_stars")
    return tuple(
        (
            table,
            table.assign(
                before=[format_metric("mean_stars", v) for v in table["before"]],
                after=[format_metric("mean_stars", v) for v in table["after"]],
                change=[format_change("mean_stars", v) for v in table["change"]],
            ),
        )
        for table in tables
    )
