"""Hostile files cannot hurt the server: limits before reading, and reading in a child process.

An uploaded workbook is read in three steps:

1. **Before any parsing** (in the caller, cheap, streaming): the file's size; for a ZIP
   workbook (.xlsx) that it is one (``xl/workbook.xml``), the unpacked size of every part and
   of all of them, the compression ratio of the big ones, and — by streaming each sheet's XML
   once, never building anything — the furthest row and column any cell names, so a sheet with
   one cell at A1 and one at XFD1048576 is refused before a reader would build the dense grid
   between them (calamine would ask for 512 GB and abort the process).
2. **Reading** (``read_sheets``) runs in a child process with an address-space limit
   (``RLIMIT_AS``) and a CPU limit, under a wall-clock timeout; a file that still gets through
   ends only that child, and the user reads a clear message.
3. The sheets come back pickled through a pipe; the server holds one upload's worth of memory.

Messages are in Chinese and English and say what to do. No Streamlit here.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

from xingtu.imports.limits import LIMITS, FileError, Limits, check_file_limits
from xingtu.imports.read import Sheet
from xingtu.settings import ROOT


def read_sheets_guarded(data: bytes, file_name: str, limits: Limits = LIMITS) -> list[Sheet]:
    """``read_sheets`` behind the limits and in a child process (memory, CPU and time limited)."""
    check_file_limits(data, file_name, limits)
    env = {
        **os.environ,
        "XINGTU_CHILD_MEMORY": str(limits.memory_bytes),
        "XINGTU_CHILD_SECONDS": str(limits.seconds),
    }
    payload = pickle.dumps((data, file_name))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "xingtu.imports.guard"],
            input=payload,
            capture_output=True,
            timeout=limits.seconds + 5,
            env=env,
            cwd=str(ROOT),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise FileError(
            f"读取文件超过 {limits.seconds} 秒仍未完成，已停止：文件可能过大或结构异常，请另存为 .xlsx 或按县区拆分"
            f" / Reading took over {limits.seconds} s and was stopped: save the file again or split it"
        ) from None
    if done.returncode != 0 or not done.stdout:
        raise FileError(
            "读取文件时超出内存或时间限制，已停止（服务器未受影响）：文件可能含大量空白行列或格式，"
            "请删去多余的行列后另存，或另存为 CSV 后导入 / Reading the file exceeded the memory or time limit"
            " and was stopped (the server is unaffected): remove empty rows, columns and formatting, or save as CSV"
        )
    kind, value = pickle.loads(done.stdout)  # noqa: S301 - our own child's output, never the user's bytes
    if kind == "error":
        raise FileError(value)
    return value


def _child() -> None:
    """The child: set its own limits, read the sheets, write them pickled to stdout."""
    import resource

    memory = int(os.environ.get("XINGTU_CHILD_MEMORY", LIMITS.memory_bytes))
    seconds = int(os.environ.get("XINGTU_CHILD_SECONDS", LIMITS.seconds))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    from xingtu.imports.read import read_sheets

    data, file_name = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - from our parent process
    try:
        result: tuple[str, object] = ("ok", read_sheets(data, file_name))
    except FileError as exc:
        result = ("error", str(exc))
    except MemoryError:
        sys.exit(3)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    _child()
