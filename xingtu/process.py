"""Settings of the server process itself (no Streamlit, no store)."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading

M_ARENA_MAX = -8  # glibc's mallopt parameter: the most malloc arenas the process may create
ARENAS = 2
TRIM_EVERY_S = 30.0
TRIM_THREAD = "xingtu-trim"


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def cap_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas (as ``MALLOC_ARENA_MAX`` would at exec); True when glibc took it.

    Streamlit runs every script run on a new thread; glibc gives threads that meet on the heap an
    arena of their own (up to eight per core) and hands little of a freed arena back, so a
    server's memory kept rising with the number of runs it had served. Two arenas keep it flat
    (measured with ``bench/bench_load.py``: peak 469 → 412 MB, and less growth after the first
    minute) at no measurable cost in CPU. Without glibc (another C library or system) nothing
    changes and the answer is False.
    """
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return mallopt(M_ARENA_MAX, int(arenas)) == 1


def trim_malloc() -> bool:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``); False without glibc.

    Memory a script run freed stays in the process (glibc keeps it for later allocations), so a
    server's resident size followed the highest it had ever needed at once, several sessions'
    runs overlapping. Trimming now and then gives back what is free; nothing in use moves."""
    malloc_trim = getattr(_libc(), "malloc_trim", None)
    if malloc_trim is None:
        return False
    malloc_trim.argtypes = (ctypes.c_size_t,)
    malloc_trim.restype = ctypes.c_int
    malloc_trim(0)
    return True


def start_trimming(every: float = TRIM_EVERY_S) -> threading.Thread | None:
    """Trim the C heap every ``every`` seconds on a daemon thread (one per process); None without glibc."""
    if _libc() is None or getattr(_libc(), "malloc_trim", None) is None:
        return None
    if any(t.name == TRIM_THREAD for t in threading.enumerate()):
        return None
    tick = threading.Event()  # never set: its wait is the pause between two trims

    def run() -> None:
        while not tick.wait(every):
            try:
                trim_malloc()
            except OSError as exc:  # never expected; a failed trim costs memory, not the server
                logging.getLogger("xingtu").warning("trimming the heap failed: %s", exc)
                return

    thread = threading.Thread(target=run, name=TRIM_THREAD, daemon=True)
    thread.start()
    return thread
