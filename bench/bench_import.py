"""Import benchmark: a province-wide annual-results workbook (52,378 rows) checked and applied.

Prints figures, asserts nothing (target: ≤ 20 s for the whole import on a 2-core machine).
The workbook is written the way counties send them (title, two-row merged header, names
instead of codes, levels as 4/４/四星/四星级/★★★★, stars as 是/√/1/达标, a 合计 row), from
the store's own 2025 results, so it is valid and every row goes through name matching.
Two runs: names (matched within township and county; codes only for the few units that
share their name with another in the same township), and 12-digit codes for every row.

Run: ``.venv/bin/python bench/bench_import.py`` (uses a copy of the app's store in a
temporary folder; the app's own store and versions are not touched).
"""

from __future__ import annotations

import dataclasses
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.workbooks import annual_rows, same_named, star_names, write_messy_annual
from xingtu.imports.apply import apply_frame, query_reference
from xingtu.imports.validate import check_file
from xingtu.settings import get_settings
from xingtu.store import versions
from xingtu.store.build import ensure_store, store_path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    source = ensure_store()
    with duckdb.connect(str(source), read_only=True) as con:
        frame, stars = annual_rows(con, 2025), star_names(con)
    with tempfile.TemporaryDirectory() as tmp:
        settings = dataclasses.replace(get_settings(), store_dir=Path(tmp))
        shutil.copyfile(source, store_path(settings))
        for with_codes in (False, True):
            t0 = time.perf_counter()
            data = write_messy_annual(
                frame,
                stars,
                2025,
                with_codes=with_codes,
                codes_for=frozenset() if with_codes else same_named(frame),
            )
            t_write = time.perf_counter() - t0

            t0 = time.perf_counter()
            with duckdb.connect(str(versions.active_path(settings)), read_only=True) as con:
                ref = query_reference(con)
            t_ref = time.perf_counter() - t0
            t0 = time.perf_counter()
            checked = check_file(data, "全省2025.xlsx", "annual", ref)
            t_check = time.perf_counter() - t0
            if not checked.ok:
                sys.stdout.write(f"unexpected problems: {checked.problems[:5]}\n")
                return
            t0 = time.perf_counter()
            version = versions.create_version(
                lambda con, c=checked, r=ref: apply_frame(con, "annual", c.frame, r),
                user="bench",
                file_name="全省2025.xlsx",
                kind="annual",
                checksum=checked.checksum,
                settings=settings,
            )
            t_apply = time.perf_counter() - t0
            total = t_ref + t_check + t_apply
            label = (
                "with codes" if with_codes else f"names ({len(same_named(frame))} same-named units by code)"
            )
            sys.stdout.write(
                f"{label}: {checked.rows:,} rows, {len(data) / 1e6:.1f} MB workbook"
                f" (written in {t_write:.1f} s)\n"
                f"  reference {t_ref:.2f} s + check {t_check:.2f} s + new version {t_apply:.2f} s"
                f" = {total:.2f} s (target ≤ 20 s) → {version.label}\n"
            )
        sys.stdout.write(f"peak RSS {_rss_mb():,.0f} MB\n")


if __name__ == "__main__":
    main()
