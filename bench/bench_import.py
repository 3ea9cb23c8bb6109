"""Import benchmark: a province-wide annual-results workbook (52,378 rows) checked and applied.

Prints figures, asserts nothing (target: ≤ 20 s for the whole import on a 2-core machine).
The workbook is written the way counties send them (title, two-row merged header, names
instead of codes, levels as 4/４/四星/四星级/★★★★, stars as 是/√/1/达标, a 合计 row), from
the store's own 2025 results, so it is valid and every row goes through name matching.
Three runs: names (matched within township and county; codes only for the few units that
share their name with another in the same township), 12-digit codes for every row, and a
new assessment year (2026): two sheets 农村 and 城市社区, the year only in the title, units
as party organisations (刘庄村党支部), stars ticked with blanks, targets in words (保三冲四),
a signer footer — the import adds the year to the dataset.

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

from tests.workbooks import (
    annual_rows,
    same_named,
    star_names,
    stars_by_type,
    write_county_workbook,
    write_messy_annual,
)
from xingtu.imports.apply import apply_frame, query_reference
from xingtu.imports.validate import check_file
from xingtu.settings import get_settings
from xingtu.store import versions
from xingtu.store.build import ensure_store
from xingtu.store.paths import store_path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    source = ensure_store()
    with duckdb.connect(str(source), read_only=True) as con:
        frame, stars = annual_rows(con, 2025), star_names(con)
    with tempfile.TemporaryDirectory() as tmp:
        settings = dataclasses.replace(get_settings(), store_dir=Path(tmp))
        shutil.copyfile(source, store_path(settings))
        runs = [
            ("names", "全省2025.xlsx"),
            ("codes", "全省2025（含代码）.xlsx"),
            ("new year", "河南省2026年度五星支部创建评定结果汇总表.xlsx"),
        ]
        for label, name in runs:
            t0 = time.perf_counter()
            if label == "new year":
                with duckdb.connect(str(source), read_only=True) as con:
                    by_type = stars_by_type(con)
                data = write_county_workbook(frame, by_type, 2026, "河南省", codes_for=same_named(frame))
            else:
                data = write_messy_annual(
                    frame,
                    stars,
                    2025,
                    with_codes=label == "codes",
                    codes_for=frozenset() if label == "codes" else same_named(frame),
                )
            t_write = time.perf_counter() - t0

            t0 = time.perf_counter()
            with duckdb.connect(str(versions.active_path(settings)), read_only=True) as con:
                ref = query_reference(con)
            t_ref = time.perf_counter() - t0
            t0 = time.perf_counter()
            checked = check_file(data, name, None if label == "new year" else "annual", ref)
            t_check = time.perf_counter() - t0
            if not checked.ok:
                sys.stdout.write(f"unexpected problems: {checked.problems[:5]}\n")
                return
            t0 = time.perf_counter()
            version = versions.create_version(
                lambda con, c=checked, r=ref: apply_frame(con, "annual", c.frame, r),
                user="bench",
                file_name=name,
                kind="annual",
                checksum=checked.checksum,
                settings=settings,
            )
            t_apply = time.perf_counter() - t0
            total = t_ref + t_check + t_apply
            what = {
                "names": f"names ({len(same_named(frame))} same-named units by code)",
                "codes": "with codes",
                "new year": f"new year {checked.new_years} from the title, sheets "
                + "、".join(f"{s.name} {s.rows:,}" for s in checked.imported_sheets),
            }[label]
            sys.stdout.write(
                f"{what}: {checked.rows:,} rows, {len(data) / 1e6:.1f} MB workbook"
                f" (written in {t_write:.1f} s)\n"
                f"  reference {t_ref:.2f} s + check {t_check:.2f} s + new version {t_apply:.2f} s"
                f" = {total:.2f} s (target ≤ 20 s) → {version.label}\n"
            )
        sys.stdout.write(f"peak RSS {_rss_mb():,.0f} MB\n")


if __name__ == "__main__":
    main()
