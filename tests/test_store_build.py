"""The store build: atomic, idempotent, rebuilt only when an input changes, safe under concurrency."""

from __future__ import annotations

import dataclasses
import multiprocessing
import shutil
from pathlib import Path

import duckdb
import pytest

from xingtu.i18n import TEXTS, translate
from xingtu.settings import get_settings
from xingtu.store import build, first_start
from xingtu.store.build import BUILD_STEPS, build_store, ensure_store, read_fingerprint

COUNTIES = ("411171000000",)  # one functional zone: the smallest useful store
TABLES = (
    "regions",
    "units",
    "stars",
    "tasks",
    "annual_results",
    "star_results",
    "task_results",
    "monthly_progress",
    "problems",
    "pairings",
)


def _digest(path: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent content hash per table."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            t: con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {t} t").fetchone()
            for t in TABLES
        }


def test_rebuild_is_idempotent(tmp_path):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    build_store(a, counties=COUNTIES)
    build_store(b, counties=COUNTIES)
    da, db = _digest(a), _digest(b)
    assert da == db
    assert all(n > 0 for n, _ in da.values())
    assert read_fingerprint(a) == read_fingerprint(b)


def test_failed_build_leaves_previous_store_intact(tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    build_store(path, counties=COUNTIES)
    before = path.read_bytes()

    def crash(tmp: Path, *args, **kwargs):
        with duckdb.connect(str(tmp)) as con:  # a half-written file exists when it dies
            con.execute("CREATE TABLE units AS SELECT 1 AS x")
        raise RuntimeError("killed mid-build")

    monkeypatch.setattr(build, "_build", crash)
    with pytest.raises(RuntimeError, match="killed"):
        build_store(path, counties=COUNTIES)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb"]


def test_ensure_store_builds_once_and_rebuilds_on_input_change(tmp_path, monkeypatch):
    standard_dir = tmp_path / "standard"
    shutil.copytree(get_settings().standard_dir, standard_dir)
    settings = dataclasses.replace(get_settings(), store_dir=tmp_path / "var", standard_dir=standard_dir)
    seen: list[float] = []
    path = ensure_store(settings, lambda f, _m: seen.append(f), counties=COUNTIES)
    assert path.exists() and seen[-1] == 1.0
    mtime = path.stat().st_mtime_ns

    seen.clear()
    assert ensure_store(settings, lambda f, _m: seen.append(f), counties=COUNTIES) == path
    assert seen == [] and path.stat().st_mtime_ns == mtime  # up to date: nothing rebuilt

    f = standard_dir / "2022.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace("min_share_met: 0.8", "min_share_met: 0.85", 1), "utf-8"
    )
    ensure_store(settings, lambda f, _m: seen.append(f), counties=COUNTIES)
    assert seen and seen[-1] == 1.0
    with duckdb.connect(str(path), read_only=True) as con:
        shares = {
            r[0]
            for r in con.execute("SELECT min_share_met FROM stars WHERE star_id <> 'industry'").fetchall()
        }
    assert shares == {0.85}


def _ensure_in_child(store_dir: str) -> str:
    settings = dataclasses.replace(get_settings(), store_dir=Path(store_dir))
    return str(ensure_store(settings, counties=COUNTIES))


def test_concurrent_first_runs_build_one_valid_store(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        paths = pool.map(_ensure_in_child, [str(tmp_path)] * 2)
    assert paths[0] == paths[1]
    assert _digest(Path(paths[0]))["units"][0] > 0
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_progress_names_each_step_in_order_in_both_languages(tmp_path):
    seen: list[tuple[float, str]] = []
    build_store(tmp_path / "s.duckdb", counties=COUNTIES, progress=lambda f, step: seen.append((f, step)))
    assert [step for _, step in seen] == list(BUILD_STEPS)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    for step in BUILD_STEPS:  # shown by the first-start page in the UI's language
        assert step in TEXTS and translate(step, "en") != translate(step, "zh")


def test_first_start_builds_once_in_the_background_and_retries_after_a_failure(tmp_path, monkeypatch):
    monkeypatch.setenv("XINGTU_STORE_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("XINGTU_COUNTIES", ",".join(COUNTIES))
    broken = tmp_path / "standard"
    shutil.copytree(get_settings().standard_dir, broken)
    (broken / "2022.yaml").write_text("name: x\ntypes: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("XINGTU_STANDARD_DIR", str(broken))
    monkeypatch.setattr(first_start, "_BUILD", [])

    failed = first_start.start_build()
    assert failed.done.wait(60) and "2022.yaml" in str(failed.error)
    assert not build.store_is_current()

    monkeypatch.delenv("XINGTU_STANDARD_DIR")
    a = first_start.start_build()  # the failed build is over: the next page load tries again
    assert a is not failed and first_start.start_build() is a  # one build at a time, shared
    assert a.done.wait(120) and a.error is None
    assert (a.fraction, a.step) == (1.0, "build.done") and build.store_is_current()
