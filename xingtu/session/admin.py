"""The app's door to imports and dataset versions (the data-import page's only I/O).

Only an admin gets through: every function checks the session's principal first, so
the page's widgets are not the lock. Checking a file reads the store in force; applying
it writes a new version through ``xingtu.store.versions``, records it in the audit log
and then drops every cached query, so the next run of any page reads the new version.
The reference a file is checked against is cached per store file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from xingtu.imports.apply import (
    apply_frame,
    check_standard,
    export_standard,
    import_standard,
    query_level_changes,
    query_reference,
)
from xingtu.imports.catalogue import CatalogueCheck
from xingtu.imports.context import Overrides
from xingtu.imports.guard import read_sheets_guarded
from xingtu.imports.preview import LevelChanges
from xingtu.imports.spec import Crs, Kind
from xingtu.imports.templates import build_template
from xingtu.imports.validate import Checked, Reference, check_file
from xingtu.session import access
from xingtu.settings import get_settings
from xingtu.store import versions


def _admin() -> None:
    access.principal().check_import()


def _audit(event: str, **detail: object) -> None:
    access.record_event(event, access.principal(), **detail)


@st.cache_resource(show_spinner=False, max_entries=2)
def _reference(path: str) -> Reference:
    with duckdb.connect(path, read_only=True) as con:
        ref = query_reference(con)
    ref.matcher  # noqa: B018 - build the name index once, not on the first upload
    return ref


def load_reference() -> Reference:
    return _reference(access.store_path())


def check_upload(
    data: bytes, file_name: str, kind: Kind | None, crs: Crs | None, overrides: Overrides | None = None
) -> Checked:
    """Check an uploaded file against the version in force (nothing is written); ``kind`` None recognises it."""
    _admin()
    return check_file(data, file_name, kind, load_reference(), crs, overrides, reader=read_sheets_guarded)


def level_changes(checked: Checked) -> LevelChanges | None:
    """How applying a clean annual file would move unit levels against the version in force."""
    _admin()
    with duckdb.connect(access.store_path(), read_only=True) as con:
        return query_level_changes(con, checked)


def region_choices() -> list[tuple[str, str]]:
    """(code, label) of every city, county and township, for correcting the region a file names."""
    _admin()
    return _region_choices(access.store_path())


@st.cache_data(show_spinner=False, max_entries=2)
def _region_choices(store: str) -> list[tuple[str, str]]:
    """Built once per store file, not on every rerun of the import page."""
    ref = _reference(store)
    regions = ref.regions if ref.regions is not None else pd.DataFrame(columns=["code", "name", "level", "county_code"])
    counties = dict(zip(regions["code"], regions["name"], strict=True))
    out = []
    for code, name, level, county in regions[["code", "name", "level", "county_code"]].itertuples(index=False):
        if level == "township" and county in counties and not name.startswith(counties[county]):
            name = f"{counties[county]} {name}"
        out.append((code, name))
    return out


def import_checked(checked: Checked) -> versions.Version:
    """Apply a clean check as a new version and put it in force, in the name of the signed-in admin."""
    _admin()
    who = access.principal()
    user = who.name if who.name == who.user else f"{who.name}（{who.user}）"
    if not checked.ok or checked.frame is None:
        raise ValueError("只能导入检查通过的文件")
    ref = load_reference()
    frame = checked.frame
    version = versions.create_version(
        lambda con: apply_frame(con, checked.kind, frame, ref),
        user=user,
        file_name=checked.file_name,
        kind=checked.kind,
        checksum=checked.checksum,
    )
    _audit(
        "import",
        version=version.id,
        file=checked.file_name,
        kind=checked.kind,
        rows=version.rows,
        sha256=checked.checksum,
    )
    access.sync_version()
    return version


def check_catalogue_upload(data: bytes, file_name: str, year: int) -> CatalogueCheck:
    """Check a task catalogue workbook (评星标准对照表) for ``year`` against the catalogue in force."""
    _admin()
    return check_standard(data, file_name, year, get_settings())


def import_catalogue(data: bytes, file_name: str, year: int) -> versions.Version | None:
    """Put a catalogue in force from ``year`` as a new version (None: it has problems; nothing changed)."""
    _admin()
    who = access.principal()
    user = who.name if who.name == who.user else f"{who.name}（{who.user}）"
    checked, version = import_standard(data, file_name, year, user=user, settings=get_settings())
    if version is None:
        return None
    _audit(
        "import",
        version=version.id,
        file=file_name,
        kind="standard",
        rows=version.rows,
        sha256=checked.checksum,
    )
    access.sync_version()
    return version


@st.cache_data(show_spinner=False, max_entries=8)
def _catalogue(year: int, store: str) -> bytes:
    del store  # cache key only: a new version may hold another catalogue
    return export_standard(year, get_settings())


def catalogue_bytes(year: int) -> Callable[[], bytes]:
    """The catalogue in force in ``year`` as the Excel layout staff edit (a deferred download)."""
    _admin()
    return functools.partial(_catalogue, year, access.store_path())


def switch_version(version_id: int | None) -> int:
    """Roll back to the previous version (None) or put ``version_id`` in force; returns the id in force."""
    _admin()
    before = versions.current_id()
    if version_id is None:
        vid = versions.rollback()
    else:
        versions.activate(version_id)
        vid = version_id
    _audit("rollback" if version_id is None else "activate", before=before, after=vid)
    access.sync_version()
    return vid


def load_versions() -> tuple[int, list[versions.Version]]:
    """The id in force and the recorded versions, newest first (read fresh: they are tiny files)."""
    _admin()
    return versions.current_id(), list(reversed(versions.list_versions()))


@st.cache_data(show_spinner=False, max_entries=20)
def load_template(kind: Kind, store: str) -> bytes:
    del store  # cache key only: the star columns come from the store's standard
    return build_template(kind, load_reference())


def template_bytes(kind: Kind) -> Callable[[], bytes]:
    """A template for a deferred download: the admin check is made now, in the session's run
    (the download thread that builds it has no session)."""
    _admin()
    return functools.partial(load_template, kind, access.store_path())


@st.cache_data(show_spinner=False, max_entries=4)
def _built_at(path: str, mtime: int) -> str:
    del mtime  # cache key only: a rebuilt base has a new time
    with duckdb.connect(path, read_only=True) as con:
        row = con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
    return row[0] if row else ""


def base_built_at() -> str:
    """When the base (version 0) was built, for the version list (read once per base file)."""
    path = Path(access.base_store_path())
    return _built_at(str(path), path.stat().st_mtime_ns)


def problems_frame(checked: Checked, limit: int) -> pd.DataFrame:
    rows = [(p.sheet, p.row, p.column, p.value, p.message) for p in checked.problems[:limit]]
    return pd.DataFrame(rows, columns=["工作表", "行", "列", "填写的值", "问题与改法"]).astype(
        {"行": "Int64"}
    )
