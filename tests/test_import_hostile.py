"""Hostile workbooks cannot hurt the server: each is refused quickly, in little memory, with a
message that says what to do — in the checker, through the command line, and (tests/e2e) the page."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from tests.conftest import store_env
from tests.hostile import HOSTILE, HostileFile
from xingtu.imports.apply import query_reference
from xingtu.imports.guard import read_sheets_guarded
from xingtu.imports.limits import Limits, check_file_limits
from xingtu.imports.read import FileError
from xingtu.imports.validate import check_file
from xingtu.settings import ROOT

SECONDS = 10
PEAK_MB = 1024


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for h in HOSTILE:
        (folder / h.name).write_bytes(h.build())
    return folder


@pytest.fixture(scope="module")
def ref(small_store_path):
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        return query_reference(con)


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.why)
def test_the_checker_refuses_each_hostile_file_with_its_reason(hostile: HostileFile, hostile_dir, ref):
    data = (hostile_dir / hostile.name).read_bytes()
    started = time.perf_counter()
    checked = check_file(data, hostile.name, None, ref)
    assert time.perf_counter() - started <= SECONDS
    assert not checked.ok and checked.frame is None
    assert len(checked.problems) == 1, checked.problems
    message = checked.problems[0].message
    assert hostile.what in message, message
    assert " / " in message  # Chinese, then English


@pytest.fixture(scope="module")
def cli_env(make_store) -> dict[str, str]:
    return {**os.environ, **store_env(make_store(name="hostile-store")), "PYTHONPATH": str(ROOT)}


# Linux carries a process's peak RSS over fork and exec, so a command started straight from this
# (large) test process would report the test's own peak. A small go-between starts it instead and
# reports the command's own exit code and peak.
_GO_BETWEEN = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:])\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "sys.stderr.write(f'\\nPEAK {usage.ru_maxrss} CODE {os.waitstatus_to_exitcode(status)}\\n')\n"
)


def _run(cmd: list[str], env: dict[str, str]) -> tuple[int, float, float, str, str]:
    """Run ``cmd``: (exit code, seconds, peak resident MB of the command, stdout, stderr)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _GO_BETWEEN, *cmd], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    seconds = time.perf_counter() - started
    last = done.stderr.strip().splitlines()[-1].split()
    assert last[0] == "PEAK", done.stderr
    return int(last[3]), seconds, int(last[1]) / 1024, done.stdout, done.stderr


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.why)
def test_the_command_line_refuses_each_within_10_s_and_1_gb(hostile: HostileFile, hostile_dir, cli_env):
    """The whole command (Python, the store's reference, the check), measured as a process."""
    cmd = [sys.executable, "-m", "xingtu.imports", "check", str(hostile_dir / hostile.name)]
    code, seconds, peak, out, err = _run(cmd, cli_env)
    assert code == 1, (out, err)
    assert hostile.what in out and "没有任何改动" in out, out
    assert "Traceback" not in err, err
    assert seconds <= SECONDS, seconds
    assert peak <= PEAK_MB, f"{peak:.0f} MB"


def _workbook(rows: int, cols: int) -> bytes:
    book = Workbook()
    for r in range(rows):
        book.active.append([f"r{r}c{c}" for c in range(cols)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_file_that_passes_the_limits_is_read_in_a_child_process():
    data = _workbook(30, 4)
    sheets = read_sheets_guarded(data, "a.xlsx")
    assert [s.name for s in sheets] == ["Sheet"]
    assert sheets[0].rows[29][3] == "r29c3"


def test_a_reader_that_runs_out_of_memory_ends_only_its_child():
    """The child's address space is capped: a read that needs more is stopped there, and the
    caller (the server) gets a message, not an abort."""
    data = _workbook(40_000, 12)  # passes the shape limits; ~480k cells need far more than 60 MB
    limits = Limits(memory_bytes=60 * 1024 * 1024)
    assert read_sheets_guarded(_workbook(10, 3), "小.xlsx", limits)  # the limit leaves room for a small file
    pid = os.getpid()
    with pytest.raises(FileError) as err:
        read_sheets_guarded(data, "大.xlsx", limits)
    assert "内存或时间限制" in str(err.value) and "server is unaffected" in str(err.value)
    assert os.getpid() == pid


def test_the_limits_are_checked_before_reading():
    with pytest.raises(FileError, match="文件过大"):
        check_file_limits(b"PK" + b"\0" * 64, "a.xlsx", Limits(file_bytes=32))
    check_file_limits(_workbook(10, 3), "a.xlsx")  # an ordinary file passes
