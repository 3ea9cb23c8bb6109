"""Every corpus workbook (tests/corpus.py) checks as sent and gives exactly what it states.

Table-driven over the corpus: each file is checked once with ``kind=None`` against the
small store, and every test compares one aspect of that result with the file's own
expectations — the recognised kind and context, a report line for every sheet (none ever
missing), footers reported and never read as units, the exact rows with their values
(levels, targets, stars, text as written), and for refused files the located problems.
The first group of tests checks the corpus itself, independently of the importer.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from tests.corpus import (
    BUILDERS,
    CORRECTED,
    CSV_SHEET,
    REFUSED,
    CorpusFile,
    build_corpus,
    stars,
    write_corpus,
)
from xingtu.imports.apply import query_reference
from xingtu.imports.validate import Checked, Reference, check_file

KEYS = list(BUILDERS)
GOOD = [k for k in KEYS if k not in REFUSED]
BAD = [k for k in KEYS if k in REFUSED]


@pytest.fixture(scope="module")
def corpus() -> dict[str, CorpusFile]:
    return {key: build() for key, build in BUILDERS.items()}


@pytest.fixture(scope="module")
def ref(small_store_path) -> Reference:
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        return query_reference(con)


@pytest.fixture(scope="module")
def checked(corpus, ref) -> Callable[[str], Checked]:
    """Each file checked once per module, with the kind left to recognition."""
    done: dict[str, Checked] = {}

    def get(key: str) -> Checked:
        if key not in done:
            f = corpus[key]
            done[key] = check_file(f.data, f.name, None, ref)
        return done[key]

    return get


def sheet_names(f: CorpusFile) -> list[str]:
    """The sheets as the workbook itself lists them (a CSV is one table)."""
    if f.name.endswith(".csv"):
        return [CSV_SHEET]
    return list(CalamineWorkbook.from_filelike(io.BytesIO(f.data)).sheet_names)


def read_rows(f: CorpusFile, sheet: str) -> list[list[Any]]:
    if f.name.endswith(".csv"):
        import csv

        text = f.data.decode("utf-8-sig" if f.data.startswith(b"\xef\xbb\xbf") else "gbk")
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    book = CalamineWorkbook.from_filelike(io.BytesIO(f.data))
    return [list(r) for r in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]


def filled(row: list[Any]) -> bool:
    return any(v not in (None, "") and str(v).strip() for v in row)


def norm(value: Any) -> Any:
    """A frame cell as a plain Python value: NA → None, numpy scalars unboxed, dates as dates."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return pd.Timestamp(value).date()
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    if not isinstance(value, str | bytes | dt.date) and pd.isna(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def frame_rows(f: CorpusFile, frame: pd.DataFrame) -> dict[tuple[Any, ...], Mapping[str, Any]]:
    out: dict[tuple[Any, ...], Mapping[str, Any]] = {}
    for record in frame.to_dict("records"):
        key = tuple(norm(record.get(k)) for k in f.key)
        assert key not in out, f"two frame rows for {key}"
        out[key] = record
    return out


# --- the corpus itself -----------------------------------------------------------------------


def test_corpus_covers_the_habits(corpus):
    files = list(corpus.values())
    assert len(files) >= 22
    assert len({f.name for f in files}) == len(files)
    assert {f.kind for f in files} == {"annual", "problems", "pairings", "monthly", "tasks"}
    suffixes = Counter(f.name.rsplit(".", 1)[1] for f in files)
    assert suffixes["xls"] >= 2 and suffixes["csv"] >= 3 and suffixes["xlsx"] >= 20
    csvs = [f.data for f in files if f.name.endswith(".csv")]
    assert any(d.startswith(b"\xef\xbb\xbf") for d in csvs)  # UTF-8 with BOM
    gbk = [d for d in csvs if not d.startswith(b"\xef\xbb\xbf")]
    assert len(gbk) >= 2
    for data in gbk:
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        data.decode("gbk")
    assert {k for k, f in corpus.items() if not f.ok} == REFUSED
    assert [f.new_years for f in files if f.new_years] == [(2026,)] * 3
    assert any(f.year is not None and f.year < 2022 for f in files)


def test_corpus_is_deterministic(corpus):
    again = {f.name: f for f in build_corpus()}
    for f in corpus.values():
        assert again[f.name].rows == f.rows
        assert again[f.name].sheets == f.sheets
        assert sheet_names(again[f.name]) == sheet_names(f)


@pytest.mark.parametrize("key", KEYS)
def test_corpus_file_is_what_it_claims(corpus, key):
    """Sheets, data rows and footers are where the expectations say (read back as the importer reads)."""
    f = corpus[key]
    assert sheet_names(f) == list(f.sheets)
    for name, sheet in f.sheets.items():
        rows = read_rows(f, name)
        data_rows = sorted({r["_row"] for r in f.rows if r["_sheet"] == name})
        if f.ok:
            assert len(data_rows) == (sheet.rows if sheet.status == "imported" else 0)
        for r in [*data_rows, *sheet.footer_rows]:
            assert filled(rows[r - 1]), (name, r)
        assert not set(data_rows) & set(sheet.footer_rows + sheet.may_skip)
        if sheet.status == "skipped" and "隐藏" in sheet.reason:
            meta = CalamineWorkbook.from_filelike(io.BytesIO(f.data)).sheets_metadata
            assert next(m for m in meta if m.name == name).visible == SheetVisibleEnum.Hidden
        if sheet.status == "skipped" and "空" in sheet.reason:
            assert not any(filled(r) for r in rows)
    for r in f.rows:
        if f.kind == "annual":
            own = [f"star_{s}" for s, _ in stars(r["unit_type"])]
            assert sorted(r) == sorted(
                ["_sheet", "_row", "code", "year", "unit_type", "level", "target_level", *own]
            )
            assert sum(r[c] for c in own) == r["level"]
            assert 1 <= r["target_level"] <= 5


def test_xlsx_corpus_has_real_merged_cells(corpus):
    merged = 0
    for f in corpus.values():
        if f.name.endswith(".xlsx"):
            book = load_workbook(io.BytesIO(f.data))
            merged += sum(len(ws.merged_cells.ranges) for ws in book.worksheets)
            assert all(
                ws.merged_cells.ranges
                for ws in book.worksheets
                if ws.max_row > 1 and ws.title != "下拉选项" and "说明" not in ws.title
            )
    assert merged > 100


def test_corrected_file_changes_only_the_corrected_units(corpus):
    original, corrected = corpus["next_year"], corpus["corrected_file"]
    assert corrected.corrects == original.name
    assert original.levels.keys() == corrected.levels.keys()
    changed = {c for c in original.levels if original.levels[c] != corrected.levels[c]}
    assert len(changed) == CORRECTED


def test_write_corpus(tmp_path, corpus):
    paths = write_corpus(tmp_path / "corpus")
    by_name = {f.name: f for f in corpus.values()}
    assert sorted(p.name for p in paths) == sorted(by_name)
    for p in paths:
        assert p.is_file() and p.stat().st_size > 0
        if p.suffix == ".csv":  # text files are byte-for-byte what the builder made
            assert p.read_bytes() == by_name[p.name].data
        else:
            assert CalamineWorkbook.from_path(str(p)).sheet_names == list(by_name[p.name].sheets)


# --- what the importer makes of each file -----------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_kind_and_context_are_recognised(corpus, checked, key):
    f, c = corpus[key], checked(key)
    assert c.kind == f.kind
    ctx = c.context
    assert (ctx.year, ctx.region_code, ctx.unit_type) == (f.year, f.region, f.unit_type)


@pytest.mark.parametrize("key", KEYS)
def test_context_says_where_it_came_from(corpus, checked, key):
    f, ctx = corpus[key], checked(key).context
    if f.year_source:
        assert f.year_source in ctx.year_source
    assert f.region_source in ctx.region_source
    assert ctx.region_name


@pytest.mark.parametrize("key", KEYS)
def test_no_sheet_is_ever_missing_from_the_report(corpus, checked, key):
    f, c = corpus[key], checked(key)
    reported = [s.name for s in c.sheets]
    assert Counter(reported) == Counter(sheet_names(f))
    for s in c.sheets:
        assert s.status in ("imported", "skipped")
        if s.status == "skipped":
            assert s.reason.strip(), f"sheet {s.name} skipped without a reason"


@pytest.mark.parametrize("key", GOOD)
def test_each_sheet_is_imported_or_skipped_as_expected(corpus, checked, key):
    f, c = corpus[key], checked(key)
    got = {s.name: s for s in c.sheets}
    for name, want in f.sheets.items():
        s = got[name]
        assert s.status == want.status, (name, s.reason)
        if want.status == "imported":
            assert s.rows == want.rows, name
        else:
            assert any(word in s.reason for word in want.reason), (name, s.reason)


@pytest.mark.parametrize("key", GOOD)
def test_footers_are_reported_and_never_rows(corpus, checked, key):
    f, c = corpus[key], checked(key)
    got = {s.name: s for s in c.sheets}
    frame = c.frame if c.frame is not None else pd.DataFrame(columns=["_sheet", "_row"])
    for name, want in f.sheets.items():
        reported = set(got[name].footer_rows)
        assert set(want.footer_rows) <= reported <= set(want.footer_rows) | set(want.may_skip), name
        read = {int(r) for r in frame.loc[frame["_sheet"] == name, "_row"]}
        assert not read & (set(want.footer_rows) | set(want.may_skip)), name


@pytest.mark.parametrize("key", GOOD)
def test_good_file_gives_exactly_the_expected_rows(corpus, checked, key):
    f, c = corpus[key], checked(key)
    assert c.problems == []
    assert c.ok
    got = frame_rows(f, c.frame)
    want = {tuple(r[k] for k in f.key): r for r in f.rows}
    assert sorted(got, key=str) == sorted(want, key=str)
    wrong = []
    for k, row in want.items():
        have = {col: norm(got[k].get(col)) for col in row}
        if have != dict(row):
            wrong.append((k, {col: (have[col], v) for col, v in row.items() if have[col] != v}))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("key", GOOD)
def test_per_unit_results(corpus, checked, key):
    """The summary a user checks: levels and targets per unit, problems per unit, pairs, progress."""
    f, frame = corpus[key], checked(key).frame
    assert frame is not None
    if f.kind == "annual":
        assert dict(zip(frame["code"], (int(v) for v in frame["level"]), strict=True)) == f.levels
        assert dict(zip(frame["code"], (int(v) for v in frame["target_level"]), strict=True)) == f.targets
    elif f.kind == "problems":
        assert Counter(frame["code"]) == Counter(r["code"] for r in f.rows)
    elif f.kind == "pairings":
        pairs = set(zip(frame["strong_code"], frame["weak_code"], strict=True))
        assert pairs == {(r["strong_code"], r["weak_code"]) for r in f.rows}
    elif f.kind == "monthly":
        got = {
            (c, s): (int(m), int(t))
            for c, s, m, t in frame[["code", "star_id", "tasks_met", "tasks_total"]].itertuples(index=False)
        }
        assert got == {(r["code"], r["star_id"]): (r["tasks_met"], r["tasks_total"]) for r in f.rows}
    else:
        assert f.kind == "tasks"
        met = {(c, t): bool(m) for c, t, m in frame[["code", "task_id", "met"]].itertuples(index=False)}
        assert met == {(r["code"], r["task_id"]): r["met"] for r in f.rows}


@pytest.mark.parametrize("key", KEYS)
def test_new_years(corpus, checked, key):
    assert list(checked(key).new_years) == list(corpus[key].new_years)


@pytest.mark.parametrize("key", BAD)
def test_refused_file_gives_its_located_problems(corpus, checked, key):
    f, c = corpus[key], checked(key)
    assert c.frame is None
    assert not c.ok
    assert len(c.problems) == len(f.problems), c.problems
    for want in f.problems:
        hits = [
            p
            for p in c.problems
            if p.sheet == want.sheet
            and p.row == want.row
            and (want.column is None or p.column == want.column)
            and all(word in p.message for word in want.all_of)
            and (not want.any_of or any(word in p.message for word in want.any_of))
        ]
        assert hits, (want, c.problems)


def test_corrected_file_checks_with_its_corrections(corpus, checked):
    original, corrected = checked("next_year"), checked("corrected_file")
    a = dict(zip(original.frame["code"], original.frame["level"], strict=True))
    b = dict(zip(corrected.frame["code"], corrected.frame["level"], strict=True))
    assert a.keys() == b.keys()
    changed = {code for code in a if a[code] != b[code]}
    want = corpus["corrected_file"].levels
    assert changed == {code for code in want if want[code] != corpus["next_year"].levels[code]}


def test_a_year_named_nowhere_is_asked_for_and_can_be_given(corpus, ref):
    """The same workbook without the year in its file name: refused until the user says the year."""
    from xingtu.imports.validate import Overrides  # contract 5

    f = corpus["year_in_file_name"]
    plain = check_file(f.data, "评定结果.xlsx", None, ref)
    assert plain.frame is None
    assert any("年度" in p.message for p in plain.problems), plain.problems
    given = check_file(
        f.data, "评定结果.xlsx", None, ref, overrides=Overrides(year=2024, region=None, unit_type=None)
    )
    assert given.ok, given.problems
    assert given.context.year == 2024
    assert "手动" in given.context.year_source
    levels = dict(zip(given.frame["code"], (int(v) for v in given.frame["level"]), strict=True))
    assert levels == f.levels
