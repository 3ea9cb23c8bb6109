"""Settings of the server process itself (no Streamlit, no store)."""

from __future__ import annotations

import ctypes
import ctypes.util

M_ARENA_MAX = -8  # glibc's mallopt parameter: the most malloc arenas the process may create
ARENAS = 2


def cap_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas (as ``MALLOC_ARENA_MAX`` would at exec); True when glibc took it.

    Streamlit runs every script run on a new thread; glibc gives threads that meet on the heap an
    arena of their own (up to eight per core) and hands little of a freed arena back, so a
    server's memory kept rising with the number of runs it had served. Two arenas keep it flat
    (measured with ``bench/bench_load.py``: peak 469 → 412 MB, and less growth after the first
    minute) at no measurable cost in CPU. Without glibc (another C library or system) nothing
    changes and the answer is False.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return mallopt(M_ARENA_MAX, int(arenas)) == 1
