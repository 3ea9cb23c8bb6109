"""Dataset versions: every import makes a new store file; a pointer file says which one is in force.

Layout, next to the base store ``xingtu-41.duckdb`` (version 0, built from the reference data):

    xingtu-41.versions/v0001.duckdb …   one complete store per import
    xingtu-41.versions/log.json          who, when, which file, row counts, checksum, parent
    xingtu-41.versions/current           the id in force ("0" = the base)

An import copies the store in force to a temporary file, applies the rows in one
transaction, checkpoints, fsyncs and renames it into place; only then are the log and the
pointer replaced (each with a rename). A crash or kill at any moment therefore leaves the
pointer on the previous, untouched file; leftovers of a killed run are swept on the next
one. Rolling back is moving the pointer. Pure file and DuckDB work: no Streamlit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from xingtu.atomic import write_text_atomic
from xingtu.settings import Settings, get_settings
from xingtu.store.paths import store_path

KEEP_FILES = 8  # newest version files kept on disk besides the one in force; older ones are pruned
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Version:
    id: int
    parent: int | None
    created_at: str  # ISO, local time with offset
    user: str
    file_name: str
    kind: str
    rows: int
    units: int
    years: list[int] = field(default_factory=list)
    checksum: str = ""  # SHA-256 of the imported file
    note: str = ""
    pruned: bool = False

    @property
    def label(self) -> str:
        return f"v{self.id}"


SAMPLE_KINDS = ("sample", "mixed")  # meta.dataset_kind values that still hold generated sample data


def holds_sample(meta: dict[str, str]) -> bool:
    """Whether a store still holds generated sample data, which must be labelled wherever it shows."""
    return meta.get("dataset_kind") in SAMPLE_KINDS


class VersionError(RuntimeError):
    """A version operation that cannot be done (unknown or pruned version)."""


def _base_path(settings: Settings) -> Path:
    return store_path(settings)


def versions_dir(settings: Settings | None = None) -> Path:
    base = _base_path(settings or get_settings())
    return base.with_name(base.stem + ".versions")


def version_path(settings: Settings, version_id: int) -> Path:
    return _base_path(settings) if version_id == 0 else versions_dir(settings) / f"v{version_id:04d}.duckdb"


def list_versions(settings: Settings | None = None) -> list[Version]:
    """Imported versions, oldest first (the base, version 0, is not listed)."""
    log = versions_dir(settings or get_settings()) / "log.json"
    if not log.exists():
        return []
    return [Version(**entry) for entry in json.loads(log.read_text(encoding="utf-8"))]


def current_id(settings: Settings | None = None) -> int:
    """The version in force: the pointer's id if its file exists, else 0 (the base)."""
    settings = settings or get_settings()
    pointer = versions_dir(settings) / "current"
    try:
        vid = int(pointer.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return 0
    return vid if vid == 0 or version_path(settings, vid).exists() else 0


def active_path(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    return version_path(settings, current_id(settings))


@contextlib.contextmanager
def store_lock(directory: Path) -> Iterator[None]:
    """The one store lock (``.build.lock``): base builds, imports and rollbacks never overlap.

    flock is held per open file: code holding it must not take it again (it would deadlock).
    """
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".build.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _lock(settings: Settings) -> contextlib.AbstractContextManager[None]:
    return store_lock(_base_path(settings).parent)


def _sweep(folder: Path, known: set[int]) -> None:
    """Remove temporary files of killed imports, and version files the log never recorded."""
    for path in folder.glob(".*.tmp*"):
        path.unlink(missing_ok=True)
    for path in folder.glob("v*.duckdb*"):
        stem = path.name.split(".")[0]
        if stem[1:].isdigit() and int(stem[1:]) not in known:
            path.unlink(missing_ok=True)


def create_version(
    apply: Callable[[duckdb.DuckDBPyConnection], dict[str, Any]],
    *,
    user: str,
    file_name: str,
    kind: str,
    checksum: str,
    note: str = "",
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> Version:
    """Copy the store in force, run ``apply`` on the copy in one transaction, and make it current.

    ``apply`` returns ``{"rows", "units", "years"}``. Any exception leaves everything as it was.
    """
    settings = settings or get_settings()
    report = progress or (lambda _f, _m: None)
    folder = versions_dir(settings)
    with _lock(settings):
        folder.mkdir(parents=True, exist_ok=True)
        log = list_versions(settings)
        _sweep(folder, {v.id for v in log})
        parent = current_id(settings)
        vid = max([v.id for v in log] + [0]) + 1
        tmp = folder / f".v{vid:04d}.{os.getpid()}.tmp"
        try:
            report(0.1, "复制当前版本")
            shutil.copyfile(version_path(settings, parent), tmp)
            report(0.3, "写入新版本")
            now = dt.datetime.now().astimezone().replace(microsecond=0)
            with duckdb.connect(str(tmp)) as con:
                con.execute("BEGIN TRANSACTION")
                summary = apply(con)
                version = Version(
                    vid,
                    parent,
                    now.isoformat(),
                    user,
                    file_name,
                    kind,
                    int(summary["rows"]),
                    int(summary["units"]),
                    list(summary.get("years", [])),
                    checksum,
                    note,
                )
                _stamp(con, version, summary.get("coverage", ()))
                con.execute("COMMIT")
                report(0.8, "保存")
                con.execute("CHECKPOINT")
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, version_path(settings, vid))
            write_text_atomic(folder / "log.json", _dump([*log, version]))
            write_text_atomic(folder / "current", str(vid))  # the commit point
        finally:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
        _prune(settings, vid)  # still under the lock
    report(1.0, "完成")
    return version


def _dump(log: list[Version]) -> str:
    return json.dumps([asdict(v) for v in log], ensure_ascii=False, indent=1)


def _stamp(con: duckdb.DuckDBPyConnection, version: Version, coverage: Iterable[dict[str, Any]] = ()) -> None:
    """Record the version in the store itself: meta keys, the import history, the sample label, and
    per county and year what the import covered (``import_coverage``, read by the coverage view)."""
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    base_fp = meta.get("base_fingerprint", meta["fingerprint"])
    kind = meta.get("dataset_kind", "sample")
    updates = {
        "base_fingerprint": base_fp,
        "fingerprint": f"{base_fp}-v{version.id}",
        "version_id": str(version.id),
        "version_created_at": version.created_at,
        "version_user": version.user,
        "version_file": version.file_name,
        "dataset_kind": "mixed" if kind in SAMPLE_KINDS else "imported",
    }
    if kind in SAMPLE_KINDS:
        updates["dataset_note"] = (
            "本数据集含导入数据，其余部分仍为程序生成的样例数据（并非真实评定结果）；"
            "导入内容见“数据导入”页的版本记录。"
        )
    for key, value in updates.items():
        con.execute("DELETE FROM meta WHERE key = ?", [key])
        con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])
    con.execute(
        """CREATE TABLE IF NOT EXISTS imports (version INTEGER, created_at VARCHAR, user_name VARCHAR,
           file_name VARCHAR, kind VARCHAR, rows INTEGER, units INTEGER, years VARCHAR, checksum VARCHAR)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS import_coverage (version INTEGER, created_at VARCHAR,
           user_name VARCHAR, file_name VARCHAR, kind VARCHAR, year INTEGER, county_code VARCHAR,
           rows INTEGER, units INTEGER)"""
    )
    for row in coverage:
        con.execute(
            """INSERT INTO import_coverage (version, created_at, user_name, file_name, kind, year,
                                            county_code, rows, units)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                version.id,
                version.created_at,
                version.user,
                version.file_name,
                row["kind"],
                row["year"],
                row["county_code"],
                row["rows"],
                row["units"],
            ],
        )
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            version.id,
            version.created_at,
            version.user,
            version.file_name,
            version.kind,
            version.rows,
            version.units,
            ",".join(map(str, version.years)),
            version.checksum,
        ],
    )


def activate(version_id: int, settings: Settings | None = None) -> None:
    """Put a recorded version (or 0, the base) in force."""
    settings = settings or get_settings()
    with _lock(settings):
        known = {v.id: v for v in list_versions(settings)}
        if version_id != 0 and (version_id not in known or not version_path(settings, version_id).exists()):
            raise VersionError(f"版本 v{version_id} 不存在或其文件已清理，无法启用")
        folder = versions_dir(settings)
        folder.mkdir(parents=True, exist_ok=True)
        write_text_atomic(folder / "current", str(version_id))


def rollback(settings: Settings | None = None) -> int:
    """Put the version before the current one (its parent) back in force; returns its id."""
    settings = settings or get_settings()
    current = current_id(settings)
    if current == 0:
        raise VersionError("当前已是初始版本（v0），没有可回退的版本")
    parent = next((v.parent for v in list_versions(settings) if v.id == current), 0) or 0
    activate(parent, settings)
    return parent


def _prune(settings: Settings, keep: int) -> None:
    """Delete all but the newest KEEP_FILES version files (never the one in force); keep their log entries.

    Called by ``create_version`` under the lock (flock is per open file: taking it again would deadlock).
    """
    log = list_versions(settings)
    on_disk = [v for v in log if not v.pruned and v.id != keep]
    drop = {v.id for v in on_disk[:-KEEP_FILES]} if len(on_disk) > KEEP_FILES else set()
    if not drop:
        return
    current = current_id(settings)
    drop.discard(current)
    for vid in drop:
        version_path(settings, vid).unlink(missing_ok=True)
    log = [Version(**{**asdict(v), "pruned": v.pruned or v.id in drop}) for v in list_versions(settings)]
    write_text_atomic(versions_dir(settings) / "log.json", _dump(log))
