"""The server process's own settings: glibc's malloc arenas are capped."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A fresh interpreter: optionally cap, then run threads that each allocate while the others live
# (as Streamlit's script runs do), then print glibc's per-arena statistics.
CHILD = """
import ctypes, ctypes.util, sys, threading
from xingtu.process import cap_malloc_arenas
if sys.argv[1] == "cap":
    assert cap_malloc_arenas(2)
together = threading.Barrier(12)
def work():
    blocks = [bytearray(200_000) for _ in range(20)]
    together.wait()  # all alive at once, as the runs of several sessions are
    del blocks
threads = [threading.Thread(target=work) for _ in range(12)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ctypes.CDLL(ctypes.util.find_library("c")).malloc_stats()
"""


def arenas(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return sum(line.startswith("Arena ") for line in done.stderr.splitlines())


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_capped_arenas_stay_at_two_while_threads_come_and_go():
    assert arenas("default") > 2  # without the cap, new threads bring arenas of their own
    assert arenas("cap") == 2
