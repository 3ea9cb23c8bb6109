"""The data-import page's widgets: upload and check, apply, version history and rollback, templates.

A check runs once per uploaded file and choice of kind and coordinate system; its result
lives in session state so that typing the operator's name does not re-read the workbook.
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from components.view import lang, t
from xingtu.export import file_stem
from xingtu.i18n import translate
from xingtu.imports.catalogue import preview_rows as catalogue_preview_rows
from xingtu.imports.catalogue import summary_lines
from xingtu.imports.context import CAMPAIGN_START, Overrides
from xingtu.imports.preview import LevelChanges, describe
from xingtu.imports.report import build_error_report, message_in
from xingtu.imports.spec import CRS_LABELS, KINDS, SPECS, Crs, Kind
from xingtu.imports.validate import Checked, fields_for
from xingtu.safe import markdown_text as md
from xingtu.session import access, admin
from xingtu.store import versions
from xingtu.viewstate import Lang

SHOWN_PROBLEMS = 1000
_MB = 1024 * 1024


def kind_title(kind: str) -> str:
    return t(f"import.kind.{kind}")


def show_current() -> None:
    """Which version the dashboard shows, in one line."""
    current, log = admin.load_versions()
    entry = next((v for v in log if v.id == current), None)
    if entry is None:
        empty = access.load_meta().get("dataset_kind") == "empty"
        st.caption(t("import.current.base.empty" if empty else "import.current.base"))
    else:
        st.caption(
            t(
                "import.current",
                version=entry.label,
                when=entry.created_at[:16].replace("T", " "),
                user=md(entry.user),
                file=md(entry.file_name),
            )
        )


def _overrides(key: str, kind: Kind | None) -> Overrides:
    """The user's corrections of what the importer read from the title, sheet and file name."""
    auto = t("import.auto")
    with st.expander(t("import.override"), icon=":material/edit:"):
        st.caption(t("import.override.note"))
        ref = admin.load_reference()
        years = list(range(CAMPAIGN_START, ref.max_year + 1))
        year = st.selectbox(
            t("import.override.year"),
            [None, *reversed(years)],
            format_func=lambda y: auto if y is None else str(y),
            key=f"{key}.year",
        )
        regions = dict(admin.region_choices())
        region = st.selectbox(
            t("import.override.region"),
            [None, *regions],
            format_func=lambda c: auto if c is None else regions.get(c, c),
            key=f"{key}.region",
        )
        unit_type = st.radio(
            t("import.override.type"),
            [None, "rural", "urban"],
            format_func=lambda u: auto if u is None else t(f"import.type.{u}"),
            horizontal=True,
            key=f"{key}.utype",
        )
        month = None
        if kind in (None, "monthly"):
            month = st.selectbox(
                t("import.override.month"),
                [None, *range(1, 13)],
                format_func=lambda m: auto if m is None else str(m),
                key=f"{key}.month",
            )
    return Overrides(year=year, region=region, unit_type=unit_type, month=month)


def show_upload(key: str) -> None:
    """Choose the kind (or let the headers say), upload, see what was understood and every problem, then import."""
    left, right = st.columns([2, 3], gap="large")
    with left:
        kind: Kind | None = st.selectbox(
            t("import.kind"),
            [None, *KINDS],
            format_func=lambda k: t("import.kind.auto") if k is None else kind_title(k),
            key=f"{key}.kind",
        )
        st.caption(t(f"import.note.{kind or 'auto'}"))
        crs: Crs | None = None
        if kind == "locations":
            crs = st.radio(
                t("import.crs"), list(CRS_LABELS), index=None, format_func=CRS_LABELS.get, key=f"{key}.crs"
            )
        upload = st.file_uploader(t("import.file"), type=["xlsx", "xls", "csv"], key=f"{key}.file")
        overrides = _overrides(key, kind)
    with right:
        if upload is None:
            st.info(t("import.hint"))
            return
        data = upload.getvalue()
        token = (upload.file_id, kind, crs, overrides, access.store_path())
        state = st.session_state.get(f"{key}.checked")
        if state is None or state[0] != token:
            with st.spinner(t("import.checking", size=len(data) / _MB)):
                checked = admin.check_upload(data, upload.name, kind, crs, overrides)
                changes = admin.level_changes(checked) if checked.ok else None
            st.session_state[f"{key}.checked"] = (token, checked, changes)
        else:
            checked, changes = state[1], state[2]
        render_understood(checked, changes)
        if checked.ok:
            _render_ok(checked, key)
        else:
            render_problems(checked, key)


def render_understood(checked: Checked, changes: LevelChanges | None) -> None:
    """识别结果: kind, year, region, unit type and where each came from; sheets read or not, and why."""
    with st.container(border=True, key="import-understood"):
        st.markdown(f"**{t('import.understood')}**")
        lines = describe(checked, changes, lang())
        st.markdown("\n".join(f"- {md(line)}" for line in lines))


PROBLEM_COLUMNS = {
    "工作表": "import.col.sheet",
    "行": "import.col.row",
    "列": "import.col.column",
    "填写的值": "import.col.value",
    "问题与改法": "import.col.message",
}


def problems_table(table: pd.DataFrame, bilingual: bool = True) -> pd.DataFrame:
    """The problems table in the reader's language: its headers, and each "中文 / English" message's half."""
    table = table.copy()
    if bilingual:
        table["问题与改法"] = table["问题与改法"].map(lambda m: message_in(m, lang()))
    return table.rename(columns={c: t(k) for c, k in PROBLEM_COLUMNS.items()})


def render_problems(checked: Checked, key: str) -> None:
    n = len(checked.problems)
    # problems of the whole file or a whole sheet are read first, in words (the table below has the rest)
    whole = [p for p in checked.problems if p.row is None][:5]
    colon = ": " if lang() == "en" else "："
    lines = "".join(
        f"\n- {md(p.sheet + colon) if p.sheet else ''}{md(message_in(p.message, lang()))}" for p in whole
    )
    st.error(
        t("import.rejected", n=n, file=md(checked.file_name)) + ("\n" + lines if lines else ""),
        icon=":material/block:",
    )
    st.download_button(
        t("import.report"),
        data=lambda: build_error_report(checked.problems),
        file_name=f"{file_stem('导入问题-' + checked.file_name.rsplit('.', 1)[0])}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/download:",
        key=f"{key}.report",
    )
    if n > SHOWN_PROBLEMS:
        st.caption(t("import.more", shown=SHOWN_PROBLEMS, n=n))
    table = problems_table(admin.problems_frame(checked, SHOWN_PROBLEMS))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(480, 38 + 35 * len(table)),
        column_config={
            t("import.col.sheet"): st.column_config.TextColumn(width="small"),
            t("import.col.row"): st.column_config.NumberColumn(width="small", format="%d"),
            t("import.col.message"): st.column_config.TextColumn(width="large"),
        },
    )


def compute_preview(checked: Checked, rows: int = 20) -> pd.DataFrame:
    """The first clean rows under the template's Chinese headers, 是/否 for booleans."""
    if checked.frame is None:
        return pd.DataFrame()
    names = {f.key: f.header for f in fields_for(SPECS[checked.kind], admin.load_reference())}
    names["name"] = "村(社区)名称（原文）"
    names |= {"_row": "行", "code": "单位代码", "unit_type": "类型", "county_code": "县区代码"}
    names |= {"_sheet": "工作表", "_matched": "匹配到", "year": "年度", "month": "月份"}
    names |= {
        "star_id": "星",
        "task_id": "任务编号",
        "strong_code": "帮带单位代码",
        "weak_code": "受帮带单位代码",
    }
    ref = admin.load_reference()
    head = checked.frame.head(rows).copy()
    if "code" in head:  # the unit each row was matched to, as the division list names it
        units = ref.units.set_index("code")
        found = head["code"].map(
            lambda c: f"{units.at[c, 'name']}（{units.at[c, 'township']}）" if c in units.index else ""
        )
        head.insert(0, "_matched", found)
    if "_sheet" in head:
        head.insert(0, "_sheet", head.pop("_sheet"))
    if "_row" in head:
        head.insert(1, "_row", head.pop("_row"))
    for col in head.columns:
        if head[col].dtype == "boolean":
            head[col] = head[col].map({True: "是", False: "否"})
    if "unit_type" in head:
        head["unit_type"] = head["unit_type"].map({"rural": "村", "urban": "社区"})
    drop = [
        c
        for c in (
            "county_code",
            "strong_unit_type",
            "weak_unit_type",
            "strong_county_code",
            "weak_county_code",
        )
        if c in head
    ]
    head = head.drop(columns=drop).rename(columns=names)
    return head.astype(object).where(head.notna(), "")  # a 社区 has no 村-only star: blank, not None


def _render_ok(checked: Checked, key: str) -> None:
    frame = checked.frame if checked.frame is not None else pd.DataFrame()
    units = frame["code"].nunique() if "code" in frame else 0
    years = sorted({int(y) for y in frame["year"]}) if "year" in frame else []
    st.success(
        t(
            "import.ok",
            file=md(checked.file_name),
            rows=checked.rows,
            units=units,
            years="、".join(map(str, years)) or "—",
            kind=kind_title(checked.kind),
        ),
        icon=":material/task_alt:",
    )
    st.dataframe(
        compute_preview(checked), hide_index=True, width="stretch", height=min(260, 38 + 35 * len(frame))
    )
    st.caption(t("import.as", name=md(access.principal().name)))
    if st.button(t("import.apply"), type="primary", key=f"{key}.apply"):
        try:
            with st.spinner(t("import.applying")):
                version = admin.import_checked(checked)
        except Exception as exc:  # a failed write changes nothing; say so, never a traceback
            st.error(t("import.failed", error=type(exc).__name__), icon=":material/error:")
            return
        st.session_state.pop(f"{key}.checked", None)
        st.toast(t("import.done", version=version.label, rows=version.rows, units=version.units), icon="✅")
        st.rerun()


VERSION_COLUMNS = {
    "version": "import.v.version",
    "current": "import.v.current",
    "when": "import.v.when",
    "user": "import.v.user",
    "kind": "import.v.kind",
    "file": "import.v.file",
    "rows": "import.v.rows",
    "units": "import.v.units",
    "checksum": "import.v.checksum",
    "state": "import.v.state",
}


def compute_version_rows(
    current: int, log: list[versions.Version], base_built_at: str, base_kind: str, lang: Lang
) -> pd.DataFrame:
    """The version table: one row per import, then the base v0, newest first as in the log; its
    texts (headers, kinds, the base's label ``base_kind``) in ``lang``.

    Counts are nullable integers (the base has none), every other column text: one type per
    column, so the grid shows 12 rather than 12.0 and Arrow never sees numbers mixed with "".
    """
    tr = functools.partial(translate, lang=lang)
    rows = [
        {
            "version": v.label,
            "current": "●" if v.id == current else "",
            "when": v.created_at[:19].replace("T", " "),
            "user": v.user,
            "kind": tr(f"import.kind.{v.kind}"),
            "file": v.file_name,
            "rows": v.rows,
            "units": v.units,
            "checksum": v.checksum[:12],
            "state": tr("import.v.pruned") if v.pruned else "",
        }
        for v in log
    ]
    rows.append(
        {
            "version": "v0",
            "current": "●" if current == 0 else "",
            "when": base_built_at[:19].replace("T", " "),
            "kind": tr(base_kind),
        }
    )
    table = pd.DataFrame(rows, columns=list(VERSION_COLUMNS))
    counts = ["rows", "units"]
    text = [c for c in table.columns if c not in counts]
    table[counts] = table[counts].astype("Int64")
    table[text] = table[text].astype(object).where(table[text].notna(), "").astype(str)
    return table.rename(columns={c: tr(k) for c, k in VERSION_COLUMNS.items()})


def show_versions(key: str) -> None:
    """Every version with who/when/what, the one in force marked; one click back, or pick one."""
    current, log = admin.load_versions()
    base = "import.v.base.empty" if access.load_meta().get("dataset_kind") == "empty" else "import.v.base"
    table = compute_version_rows(current, log, admin.base_built_at(), base, lang())
    st.dataframe(table, hide_index=True, width="stretch")
    back, pick, go = st.columns([2, 2, 1], vertical_alignment="bottom")
    if back.button(
        t("import.rollback"), disabled=current == 0, key=f"{key}.rollback", icon=":material/undo:"
    ):
        _switch(None)
    choices = [0] + [v.id for v in log if not v.pruned]
    target = pick.selectbox(t("import.pick"), choices, format_func=lambda i: f"v{i}", key=f"{key}.pick")
    if go.button(t("import.activate"), disabled=target == current, key=f"{key}.activate"):
        _switch(int(target))


def _switch(version_id: int | None) -> None:
    try:
        vid = admin.switch_version(version_id)
    except versions.VersionError as exc:
        st.error(message_in(str(exc), lang()))
        return
    st.toast(t("import.switched", version=f"v{vid}"), icon="↩️")
    st.rerun()


def show_templates(key: str) -> None:
    """One download per kind; bytes are built only when clicked."""
    cols = st.columns(3)
    for i, kind in enumerate(KINDS):
        with cols[i % 3]:
            st.download_button(
                kind_title(kind),
                data=admin.template_bytes(kind),
                file_name=f"{kind_title(kind)}模板.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                on_click="ignore",
                icon=":material/table_view:",
                key=f"{key}.{kind}",
                width="stretch",
            )
            st.caption(t(f"import.note.{kind}"))


def show_catalogue(key: str) -> None:
    """The province's own task catalogue (评星标准对照表): download the one in force, edit, import for a year."""
    ref = admin.load_reference()
    years = list(range(CAMPAIGN_START, ref.max_year + 2))
    left, right = st.columns([2, 3], gap="large")
    with left:
        year = st.selectbox(
            t("import.cat.year"), list(reversed(years)), index=min(1, len(years) - 1), key=f"{key}.year"
        )
        st.caption(t("import.cat.note"))
        st.download_button(
            t("import.cat.download", year=year),
            data=admin.catalogue_bytes(int(year)),
            file_name=f"评星标准对照表（{year}年）.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            icon=":material/download:",
            key=f"{key}.download",
        )
        upload = st.file_uploader(t("import.cat.file"), type=["xlsx", "xls"], key=f"{key}.file")
    with right:
        if upload is None:
            st.info(t("import.cat.hint"))
            return
        data = upload.getvalue()
        token = (upload.file_id, int(year), access.store_path())
        state = st.session_state.get(f"{key}.checked")
        if state is None or state[0] != token:
            with st.spinner(t("import.checking", size=len(data) / _MB)):
                checked = admin.check_catalogue_upload(data, upload.name, int(year))
            st.session_state[f"{key}.checked"] = (token, checked)
        else:
            checked = state[1]
        with st.container(border=True, key="catalogue-understood"):
            st.markdown(f"**{t('import.understood')}**")
            lines = summary_lines(checked, lang())
            if checked.ok and checked.impact:
                lines.append(
                    t(
                        "import.cat.impact",
                        years="、".join(map(str, checked.impact.get("years", []))) or "—",
                        dropped=checked.impact.get("results_dropped", 0),
                        units=checked.impact.get("unit_years", 0),
                    )
                )
            st.markdown("\n".join(f"- {md(line)}" for line in lines) or "-")
        if not checked.ok:
            st.error(
                t("import.rejected", n=len(checked.problems), file=md(checked.file_name)),
                icon=":material/block:",
            )
            rows = [  # a catalogue problem keeps its two languages apart: no split needed
                (p.sheet, p.row, p.column, p.value, p.message_en if lang() == "en" else p.message)
                for p in checked.problems[:SHOWN_PROBLEMS]
            ]
            table = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS)).astype({"行": "Int64"})
            st.dataframe(problems_table(table, bilingual=False), hide_index=True, width="stretch")
            return
        diff = pd.DataFrame(catalogue_preview_rows(checked, lang()))
        if not diff.empty:
            st.dataframe(
                diff.rename(columns={c: t(f"import.cat.col.{c}") for c in diff.columns}),
                hide_index=True,
                width="stretch",
                height=min(360, 38 + 35 * len(diff)),
            )
        st.caption(t("import.as", name=md(access.principal().name)))
        if st.button(t("import.cat.apply", year=year), type="primary", key=f"{key}.apply"):
            try:
                with st.spinner(t("import.applying")):
                    version = admin.import_catalogue(data, upload.name, int(year))
            except Exception as exc:  # a failed write changes nothing; say so, never a traceback
                st.error(t("import.failed", error=type(exc).__name__), icon=":material/error:")
                return
            st.session_state.pop(f"{key}.checked", None)
            if version is not None:
                st.toast(
                    t("import.done", version=version.label, rows=version.rows, units=version.units), icon="✅"
                )
            st.rerun()
