"""Where the view is in the hierarchy; each ancestor is a link-like button back up.

The path always starts at the province: 河南省 › 市 › 县 › 乡镇 (› 村 on a unit's page).
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import streamlit as st

from components import view
from xingtu.safe import markdown_text
from xingtu.session import access

SEPARATOR = " › "


class Crumb(NamedTuple):
    code: str
    name: str


def compute_path(rows: pd.DataFrame, province_code: str, province_name: str) -> list[Crumb]:
    """The crumbs (code, name), province first, from the region path rows (code, name, level).

    The province is put first when the rows lack it, so no view ever starts below it.
    """
    path = [Crumb(str(r.code), str(r.name)) for r in rows.itertuples(index=False)]
    if not path or path[0].code != province_code:
        path.insert(0, Crumb(province_code, province_name))
    return path


def compute_unit_path(unit: dict, province_code: str, province_name: str) -> list[Crumb]:
    """A unit's full path: 省 › 市 › 县 › 乡镇 › the unit's full name (codes from the unit's row)."""
    crumbs = [Crumb(province_code, province_name)]
    levels = ("city", "county", "township")
    crumbs += [Crumb(str(unit[f"{k}_code"]), str(unit[k])) for k in levels if unit.get(k)]
    crumbs.append(Crumb(str(unit["code"]), str(unit.get("full_name") or unit["name"])))
    return crumbs


def build_path_text(crumbs: list[Crumb]) -> str:
    """The path as one line of Markdown-safe text."""
    return SEPARATOR.join(markdown_text(c.name) for c in crumbs)


def _province() -> tuple[str, str]:
    meta = access.load_meta()
    return meta["province_code"], meta["province_name"]


def unit_path_text(unit: dict) -> str:
    """The unit's path from the province, for its page's header."""
    return build_path_text(compute_unit_path(unit, *_province()))


def show(region: str, key: str) -> None:
    """The region's ancestors, province first, as buttons; the region itself in bold."""
    rows = compute_path(access.load_region_path(region), *_province())
    who = access.principal()
    # one row sized to its content (not weighted columns, which squeeze or wrap the names)
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key=f"{key}.path"):
        for row in rows[:-1]:
            view.link(
                f"{markdown_text(row.name)}  ›",
                f"{key}.{row.code}",
                {"region": row.code},
                icon=":material/arrow_upward:" if row is rows[-2] else None,
                disabled=not who.sees_region(row.code),  # above the scope: a name, not a way out of it
                width="content",
            )
        st.markdown(f"**:red[{markdown_text(rows[-1].name)}]**", width="content")
