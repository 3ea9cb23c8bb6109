"""The shared sidebar, drawn once by the frame: region cascade, unit type, year, level, star."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import view
from components.view import t
from xingtu.domain.hierarchy import REGION_LEVELS, prefix_len, region_level
from xingtu.session import access
from xingtu.viewstate import UNIT_TYPES, ViewState

_NONE = ""  # the "all" option of a select (None is not a stable widget value)


def _region_choices(level: str, parent: str) -> tuple[dict[str, str], frozenset[str]]:
    """The regions at ``level`` under ``parent`` this session may name: code -> name, and the zones."""

    def build() -> tuple[dict[str, str], frozenset[str]]:
        regions = access.load_region_table()
        # regions without units are not offered: in a deployment limited to some counties
        # (XINGTU_COUNTIES) the other cities are reference data only, with nothing to show
        rows = regions[(regions["level"] == level) & (regions["parent_code"] == parent) & (regions["units"] > 0)]
        names = dict(zip(rows["code"].tolist(), rows["name"].tolist(), strict=True))
        return names, frozenset(rows.loc[rows["kind"] == "zone", "code"].tolist())

    root, inside = view.context().root, access.principal().units is None
    return view.built("filters.regions", root, inside, level, parent, build=build)


def _region_select(level: str, parent: str, label_key: str, all_key: str) -> None:
    """One step of the cascade: the regions at ``level`` under ``parent`` (searchable).

    At or above the session's scope the step is fixed to the scope's own region: a county's
    staff see their city and county named, and choose among their townships only."""
    names, zones = _region_choices(level, parent)
    suffix = t("filter.zone_suffix")
    root = view.context().root
    locked = REGION_LEVELS.index(level) <= REGION_LEVELS.index(region_level(root))
    options = [root[: prefix_len(level)].ljust(12, "0")] if locked else [_NONE, *names]

    labels = {_NONE: t(all_key), **{c: n + (suffix if c in zones else "") for c, n in names.items()}}

    def encode(region: str) -> str:
        code = region[: prefix_len(level)].ljust(12, "0")
        return code if code in names else _NONE

    view.bind(
        st.selectbox,
        "region",
        options,
        key=f"filter.{level}",
        encode=encode,
        decode=lambda code: code or parent,
        label=t(label_key),
        format_func=labels.__getitem__,
        placeholder=t("filter.search_hint"),
        disabled=locked,
    )


def show() -> ViewState:
    """Draw the sidebar filters and return the view they define."""
    province = view.context().province
    with st.sidebar:
        st.markdown(f"#### {t('filter.header')}")
        _region_select("city", province, "filter.city", "filter.all_province")
        city = view.current().region[:4].ljust(12, "0")
        if city != province:
            _region_select("county", city, "filter.county", "filter.all_city")
            county = view.current().region[:6].ljust(12, "0")
            if county != city:
                _region_select("township", county, "filter.township", "filter.all_county")
        view.bind_choice(
            st.radio, "unit_type", UNIT_TYPES, "filter.unit_type", "filter.unit_type", "type", horizontal=True
        )
        years = sorted(view.context().years, reverse=True)
        view.bind(st.selectbox, "year", years, key="filter.year", label=t("filter.year"))
        if not access.load_data_years():  # an empty dataset: the years exist, their results do not
            st.caption(t("filter.year.none"))
        view.bind(
            st.selectbox,
            "level",
            [_NONE, 5, 4, 3, 2, 1, 0],
            key="filter.level",
            encode=lambda v: _NONE if v is None else v,
            decode=lambda v: None if v == _NONE else int(v),
            label=t("filter.level"),
            format_func={_NONE: t("filter.level_all"), **{v: t(f"level.{v}") for v in range(6)}}.__getitem__,
        )
        star_names = view.built("filters.stars", build=_star_choices)
        view.bind(
            st.selectbox,
            "star",
            [_NONE, *star_names],
            key="filter.star",
            encode=lambda v: v or _NONE,
            decode=lambda v: v or None,
            label=t("filter.star"),
            format_func={_NONE: t("filter.star_all"), **star_names}.__getitem__,
        )
        for label, key, action, icon in (
            ("filter.reset", "filter.reset", _reset, ":material/restart_alt:"),
            ("lang.switch", "filter.lang", _toggle_lang, ":material/translate:"),
        ):
            st.button(t(label), key=key, on_click=action, icon=icon, width="stretch")
    return view.current()


def _star_choices() -> dict[str, str]:
    """The stars in the standard's order, each with its label."""
    star_table = access.load_standard_summary()
    labels = _star_labels(star_table)
    stars = star_table.drop_duplicates("star_id").sort_values(["ord", "unit_type"])
    return {str(s): labels[str(s)] for s in stars["star_id"]}


def _star_labels(star_table: pd.DataFrame) -> dict[str, str]:
    """One label per star id; a star only one unit type has says which (村 / 社区)."""
    labels: dict[str, str] = {}
    for star_id, rows in star_table.groupby("star_id", sort=False):
        name = str(rows["star_name"].iloc[0])
        types = set(rows["unit_type"])
        if len(types) == 1:
            name += f"（{t('type.one.' + types.pop())}）"
        labels[str(star_id)] = name
    return labels


def _reset() -> None:
    ctx = view.context()
    view.update(region=ctx.root or ctx.province, unit_type="all", year=max(ctx.years), level=None, star=None)


def _toggle_lang() -> None:
    view.update(lang="en" if view.lang() == "zh" else "zh")
