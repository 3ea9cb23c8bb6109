"""Property-based: malformed workbooks never crash the importer, every rejection is located,
and a rejected file leaves the store exactly as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from xingtu.imports import apply
from xingtu.imports.apply import query_reference
from xingtu.imports.spec import KINDS, SPECS
from xingtu.imports.validate import check_file, fields_for
from xingtu.store import versions
from xingtu.store.paths import store_path

NASTY_TEXT = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t",
    "\r\n",
    "'; DROP TABLE units; --",
    "𠀀𪚥",
    "四星半",
    "★★★★★★★",
    "x" * 5000,
    "",
    " ",
]
cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(NASTY_TEXT),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.sampled_from(["411102001002", "411102004201", "新华社区", "东吴村", "2025", "四星", "是", "否", "√"]),
)


@st.composite
def workbooks(draw, ref):
    """A workbook of a kind's columns, some dropped, renamed, shuffled or duplicated, with junk rows."""
    kind = draw(st.sampled_from(KINDS))
    fields = list(fields_for(SPECS[kind], ref))
    headers = [
        f.header if draw(st.booleans()) else draw(st.sampled_from([f.header, *f.synonyms])) for f in fields
    ]
    headers = draw(st.lists(st.sampled_from([*headers, "备注", "", "序号"]), max_size=len(headers) + 2))
    headers = draw(st.permutations(headers))
    book = Workbook()
    ws = book.active
    ws.title = draw(st.sampled_from(["Sheet", "填报", "<b>x<b>", "=A1"]))
    for _ in range(draw(st.integers(0, 3))):  # titles and blank rows above the header
        ws.append([draw(cells)])
    ws.append(list(headers))
    for _ in range(draw(st.integers(0, 12))):
        ws.append([draw(cells) for _ in range(len(headers) + draw(st.integers(-1, 2)))])
    if draw(st.booleans()):
        book.create_sheet("空表")
    out = io.BytesIO()
    book.save(out)
    return kind, out.getvalue()


@pytest.fixture(scope="module")
def ref(small_store_path):
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        r = query_reference(con)
    r.matcher  # noqa: B018 - build once
    return r


def assert_located(checked, data_rows: int | None = None) -> None:
    for p in checked.problems:
        assert p.message, p
        if p.row is not None:
            assert p.row >= 1 and p.column, p  # a row problem names its column
            if data_rows is not None:
                assert p.row <= data_rows + 10, p
        else:
            assert p.column or p.sheet == "" or "表头" in p.message or "数据" in p.message, p


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_malformed_workbooks_never_crash_and_every_problem_is_located(ref, data):
    kind, payload = data.draw(workbooks(ref))
    crs = data.draw(st.sampled_from([None, "wgs84", "gcj02", "bd09"]))
    checked = check_file(payload, "随机.xlsx", kind, ref, crs)
    assert checked.ok == (not checked.problems and checked.frame is not None)
    assert_located(checked)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.binary(max_size=2000), name=st.sampled_from(["a.xlsx", "a.csv", "a.xls", "a", "a.txt"]))
def test_random_bytes_are_rejected_with_a_message(ref, payload, name):
    checked = check_file(payload, name, "annual", ref)
    assert not checked.ok
    assert_located(checked)


def test_ten_thousand_bad_rows_are_all_reported_and_nothing_changes(make_store):
    s = make_store(name="bad-rows")
    before = hashlib.sha256(store_path(s).read_bytes()).hexdigest()
    book = Workbook()
    ws = book.active
    ws.append(["单位代码", "年度", "创建目标", "评定星级", "支部过硬星"])
    for i in range(10_000):
        ws.append(["411102001002", 2025, "<script>x</script>" if i % 2 else 9, 10**12, "也许"])
    out = io.BytesIO()
    book.save(out)
    checked, version = apply.import_bytes(out.getvalue(), "大表.xlsx", "annual", user="u", settings=s)
    assert version is None and not checked.ok
    rows = {p.row for p in checked.problems} - {None}  # None: the file also lacks four star columns
    assert rows == set(range(2, 10_002))  # every data row has its own located problem
    assert_located(checked, 10_000)
    assert versions.current_id(s) == 0 and versions.list_versions(s) == []
    assert hashlib.sha256(store_path(s).read_bytes()).hexdigest() == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_rejected_import_never_writes(make_store, ref, data):
    kind, payload = data.draw(workbooks(ref))
    s = make_store(name="prop")
    checked, version = apply.import_bytes(payload, "随机.xlsx", kind, user="u", crs="gcj02", settings=s)
    if checked.ok:
        assert version is not None and versions.current_id(s) == version.id
    else:
        assert version is None and versions.current_id(s) == 0
        assert not versions.versions_dir(s).exists() or not list(versions.versions_dir(s).glob("v*.duckdb"))
    shutil.rmtree(s.store_dir)  # 25 examples: keep the temp folder small
