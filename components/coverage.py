"""覆盖情况 (coverage): per county and year, what has been imported, when, by whom and from which file.

Staff use it to chase counties that have not sent their records: every county of the scope
is a row, imported or not, and the ones still missing come first. Pure ``compute_*`` builders
(tested without Streamlit) and one ``render``.
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from components import table_export, templating, view
from components.theme import drawn_styler
from components.view import t
from xingtu.i18n import translate
from xingtu.store.views import COVERAGE_KINDS, KINDS_WITHOUT_YEAR, Coverage
from xingtu.viewstate import Lang

NONE, SAMPLE, DONE = "none", "sample", "done"
_CELL_STYLE = templating.cell_styles("cells")  # keyed by the states: none, sample, done


def compute_kinds(cov: Coverage) -> list[str]:
    """The kinds to choose from: every county-level import kind, plus any other one recorded."""
    extra = sorted(set(cov.imports["kind"]) - set(COVERAGE_KINDS)) if len(cov.imports) else []
    return [*COVERAGE_KINDS, *extra]


def compute_columns(cov: Coverage, kind: str) -> list[int | None]:
    """The matrix's columns: the dataset's years, or one column for kinds without a year."""
    return [None] if kind in KINDS_WITHOUT_YEAR else list(cov.years)


def _date(created_at: object) -> str:
    return str(created_at or "")[:10]


def compute_matrix(cov: Coverage, kind: str, lang: Lang) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counties (rows) × years (columns) for ``kind``: the cells' texts (in ``lang``) and their
    states (none / sample / done), counties with the most missing cells first, then in code order."""
    tr = functools.partial(translate, lang=lang)
    columns = compute_columns(cov, kind)
    imports = cov.imports[cov.imports["kind"] == kind] if len(cov.imports) else cov.imports
    latest = {(r.county_code, None if pd.isna(r.year) else int(r.year)): r for r in imports.itertuples()}
    annual = {(r.county_code, int(r.year)): r for r in cov.annual.itertuples()} if kind == "annual" else {}
    texts, states = [], []
    for county in cov.counties.itertuples():
        row_text, row_state = {}, {}
        for year in columns:
            label = str(year) if year is not None else tr("coverage.all_years")
            hit = latest.get((county.code, year))
            known = annual.get((county.code, year)) if year is not None else None
            if hit is not None:
                text = tr("coverage.cell.imported", units=f"{int(hit.units):,}", of=f"{int(county.units):,}")
                text += f" · {_date(hit.created_at)} · {hit.user_name}"
                state = DONE
            elif known is not None and known.imported > 0:  # imported before coverage was recorded
                text = tr(
                    "coverage.cell.imported", units=f"{int(known.imported):,}", of=f"{int(county.units):,}"
                )
                state = DONE
            elif known is not None and known.sample > 0:
                text, state = tr("coverage.cell.sample"), SAMPLE
            else:
                text, state = tr("coverage.cell.none"), NONE
            row_text[label], row_state[label] = text, state
        texts.append(row_text)
        states.append(row_state)
    head = pd.DataFrame(
        {
            "city": cov.counties["city"],
            "county": cov.counties["name"],
            "code": cov.counties["code"],
            "units": cov.counties["units"].astype("int64"),
        }
    )
    text = pd.concat([head, pd.DataFrame(texts, index=head.index)], axis=1)
    state = pd.DataFrame(states, index=head.index)
    missing = (state == NONE).sum(axis=1) if len(state.columns) else pd.Series(0, index=head.index)
    order = pd.DataFrame({"missing": missing, "code": head["code"]}).sort_values(
        ["missing", "code"], ascending=[False, True]
    )
    return text.loc[order.index].reset_index(drop=True), state.loc[order.index].reset_index(drop=True)


def compute_summary(state: pd.DataFrame) -> tuple[str | None, int, int]:
    """The latest column's label, counties imported there and counties in all."""
    if state.empty or not len(state.columns):
        return None, 0, len(state)
    last = state.columns[-1]
    return str(last), int((state[last] == DONE).sum()), len(state)


def compute_details(cov: Coverage, lang: Lang, kind: str | None = None) -> pd.DataFrame:
    """The latest import per county, year and kind, with names and "units of units", newest first;
    the kinds' names in ``lang``."""
    imports = (
        cov.imports if kind is None or not len(cov.imports) else cov.imports[cov.imports["kind"] == kind]
    )
    names = cov.counties.set_index("code")
    df = imports.copy()
    df["county"] = df["county_code"].map(names["name"]).fillna("")
    df["of"] = df["county_code"].map(names["units"]).fillna(0).astype("int64")
    df["kind_label"] = [translate(f"import.kind.{k}", lang) for k in df["kind"]]
    df["year"] = df["year"].astype("Int64")
    df["version_label"] = [f"v{int(v)}" for v in df["version"]]
    df["when"] = [
        str(c or "")[:16].replace("T", " ") for c in df["created_at"]
    ]  # minutes, local to the import
    return df.sort_values(["created_at", "county_code"], ascending=[False, True]).reset_index(drop=True)


# The import list's columns: data column -> its heading's text key.
DETAIL_COLUMNS = {
    "county": "coverage.col.county",
    "county_code": "coverage.col.code",
    "kind_label": "coverage.col.kind",
    "year": "coverage.col.year",
    "units": "coverage.col.imported_units",
    "of": "coverage.col.units",
    "rows": "coverage.col.rows",
    "when": "coverage.col.when",
    "user_name": "coverage.col.user",
    "file_name": "coverage.col.file",
    "version_label": "coverage.col.version",
    "imports": "coverage.col.imports",
}


def detail_columns() -> dict[str, str]:
    return view.texts(DETAIL_COLUMNS)


def render(cov: Coverage, scope: str, key: str, root: str) -> None:
    """The coverage section of the status page: a kind choice, the matrix, the import list.

    ``root``: the region ``cov`` is of (the computed tables are shared under it)."""
    st.subheader(t("coverage.title"))
    st.caption(t("coverage.caption"))
    kinds = compute_kinds(cov)
    kind = (
        st.segmented_control(
            t("coverage.kind"),
            kinds,
            default=kinds[0],
            format_func=lambda k: t(f"import.kind.{k}"),
            key=f"{key}.kind",
        )
        or kinds[0]
    )
    text, state = view.built("coverage.matrix", root, kind, build=lambda: compute_matrix(cov, kind, view.lang()))
    label, done, total = compute_summary(state)
    kind_label = t(f"import.kind.{kind}")
    values = {"kind": kind_label, "done": done, "total": total, "missing": total - done}
    if kind in KINDS_WITHOUT_YEAR or label is None:
        st.markdown(t("coverage.summary.nodate", **values))
    else:
        st.markdown(t("coverage.summary", year=label, **values))
    columns = {
        "city": t("coverage.col.city"),
        "county": t("coverage.col.county"),
        "code": t("coverage.col.code"),
        "units": t("coverage.col.units"),
        **{c: c for c in state.columns},
    }
    styled = view.built(
        "coverage.styled",
        root,
        kind,
        build=lambda: drawn_styler(
            text.style.apply(lambda _: state.map(_CELL_STYLE.get), axis=None, subset=list(state.columns))
        ),
    )
    st.dataframe(
        styled,
        column_config=columns,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(text), 460),
        key=f"{key}.matrix",
    )
    table_export.show(
        text, f"{scope}_{t('coverage.title')}_{kind_label}", key=f"{key}.matrix", columns=columns
    )

    st.markdown(f"**{t('coverage.details')}**")
    details = view.built("coverage.details", root, build=lambda: compute_details(cov, view.lang()))
    if details.empty:
        st.caption(t("coverage.details.none"))
        return
    shown = detail_columns()
    st.dataframe(
        details[list(shown)], column_config=shown, hide_index=True, width="stretch", key=f"{key}.details"
    )
    table_export.show(details, f"{scope}_{t('coverage.details')}", key=f"{key}.details", columns=shown)
