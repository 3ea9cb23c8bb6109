"""Warm the common views once, in the background, when a data version comes into force.

After a start or an import, the first readers would otherwise each pay the full queries of
the view they open (the province, their city, their county). One thread per version runs the
cached loaders those views read, at a lower CPU priority than the readers' own runs: the
province, its cities and its counties in the latest year (all units, then villages, then
communities), then the earlier years of the province and the cities. It stops
as soon as another version comes into force. What it fills is the same cache the pages read
(``xingtu.session.access``), under the same keys, so a reader who arrives while it works
waits for that one computation instead of starting a second.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable

import pandas as pd

from xingtu.session import access
from xingtu.viewstate import UNIT_TYPES

THREAD_NAME = "xingtu-warm"
NICENESS = 10  # the thread's own nice value: readers' runs come first
DEFAULT_BY = "county"  # the overview's grouping when a link names none (xingtu.viewstate)
_LOCK = threading.Lock()
_STARTED: dict[str, threading.Thread] = {}  # store file -> the thread that warms it


class _QuietThread(logging.Filter):
    """Streamlit warns when a cache is read outside a script run; this thread does so on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.threadName.startswith(THREAD_NAME)


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_QuietThread())


def enabled() -> bool:
    """On unless ``XINGTU_WARM=0`` (the test suite's in-process apps: many small stores)."""
    return os.environ.get("XINGTU_WARM", "1") != "0"


def compute_regions(table: pd.DataFrame) -> list[str]:
    """The regions to warm, in order: the province, its cities, its counties (code order); only
    regions with units (a deployment limited to some counties has the rest without)."""
    order = {"province": 0, "city": 1, "county": 2}
    rows = table[table["level"].isin(list(order)) & (table["units"] > 0)]
    ranked = sorted(zip(rows["level"].map(order), rows["code"], strict=True))
    return [str(code) for _, code in ranked]


def jobs(
    region: str, year: int, unit_type: str = "all", palette: access.Palette | None = None
) -> list[Callable[[], object]]:
    """The loaders a reader's first look at ``region`` runs (overview, trends, weak points), and,
    given the village layer's colours, its points file (written once, then only counted)."""
    points = [lambda: access._points_file(region, unit_type, year, None, palette)] if palette else []
    return [
        *points,
        lambda: access._load_summary(region, unit_type, year),
        lambda: access._load_sample_share(region, unit_type, year),
        lambda: access._load_region_path(region),
        lambda: access._load_overview(region, unit_type, year, DEFAULT_BY),
        lambda: access._load_trends(region, unit_type, year, None),
        lambda: access._load_weak(region, unit_type, year, "heat", None, None),
    ]


def compute_plan(regions: list[str], years: list[int]) -> list[tuple[str, str, int]]:
    """(region, unit type, year) to warm, most looked-at first: every region in the latest year
    with all units, then with villages and with communities alone; then the earlier years of the
    province and its cities (the year-on-year look)."""
    if not years:
        return []
    latest = max(years)
    plan = [(region, unit_type, latest) for unit_type in UNIT_TYPES for region in regions]
    upper = [r for r in regions if r.endswith("00000000")]  # the province and the cities
    plan += [(region, "all", year) for year in sorted(years, reverse=True)[1:] for region in upper]
    return plan


def run(path: str, stop: Callable[[], bool] | None = None, palette: access.Palette | None = None) -> int:
    """Warm ``path``'s common views; the number of loader calls made. Stops early when the store
    in force is no longer ``path`` (or ``stop()`` says so)."""
    regions = compute_regions(access._load_region_table())
    done = 0
    for region, unit_type, year in compute_plan(regions, access.load_data_years()):
        for job in jobs(region, year, unit_type, palette):
            if (stop is not None and stop()) or access.store_path() != path:
                return done
            job()
            done += 1
    return done


def _lower_priority() -> None:
    """Linux: a thread is a task with a nice value of its own; elsewhere it keeps the process's."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


def _warm(path: str, palette: access.Palette | None) -> None:
    _lower_priority()
    try:
        count = run(path, palette=palette)
    except Exception as exc:  # a failed warm-up costs readers time, never a page: they compute it
        logging.getLogger("xingtu").warning("warming the caches of %s stopped: %s", path, exc)
        return
    logging.getLogger("xingtu").info("warmed %d views of %s", count, path)


def start(path: str | None = None, palette: access.Palette | None = None) -> threading.Thread | None:
    """Warm the store in force (or ``path``) once per process and version; the thread, if new.
    ``palette``: the village layer's colours, to write its points files too."""
    if not enabled():
        return None
    path = path or access.store_path()
    with _LOCK:
        if path in _STARTED:
            return None
        name = f"{THREAD_NAME}-{len(_STARTED)}"
        thread = threading.Thread(target=_warm, args=(path, palette), name=name, daemon=True)
        _STARTED[path] = thread
    thread.start()
    return thread
