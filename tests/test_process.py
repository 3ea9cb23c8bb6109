"""The server process's own settings: glibc's malloc arenas are capped."""

from __future__ import annotations

import platform
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from xingtu import process

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


# Fill the C heap with blocks, keep one in fifty (so the heap cannot shrink from its top), free the
# rest, and read the resident size before and after a trim.
TRIM_CHILD = """
import sys
import threading
from xingtu.process import trim_malloc
def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
blocks = [bytearray(8192) for _ in range(40_000)]  # about 320 MB, each from malloc
kept = blocks[::50]
del blocks
before = rss_mb()
assert trim_malloc()
print(before, rss_mb())
"""


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_a_trim_gives_freed_memory_back_to_the_system():
    done = subprocess.run(
        [sys.executable, "-c", TRIM_CHILD], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    before, after = (float(x) for x in done.stdout.split())
    assert before > 250  # freed, but still resident
    assert after < before - 200  # handed back


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_one_trimming_thread_per_process():
    first = process.start_trimming(every=3600)
    assert first is not None and first.daemon and first.is_alive()
    assert process.start_trimming(every=3600) is None  # already trimming
    assert sum(t.name == process.TRIM_THREAD for t in threading.enumerate()) == 1
