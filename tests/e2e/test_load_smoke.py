"""The load test's client (bench/bench_load.py) against a real server on the small store.

No browser: two websocket sessions change filters for a few seconds. They must rerun the
script without a single error, so the bench keeps speaking the protocol of the installed
Streamlit (widget states, page changes, the message cache).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import sys
from types import ModuleType

from xingtu.settings import ROOT


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "bench_load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_two_sessions_change_filters_without_errors(server: str) -> None:
    bench = _bench()
    # The first open of a fresh server builds the small store: a generous timeout.
    load = bench.run_load(
        [server], 2, 5.0, first_queries=["", "r=4111"], timeout=120.0, think=(0.2, 0.6), ramp=0.5
    )
    # a thread of its own: Playwright's sync API keeps an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        stats = pool.submit(asyncio.run, load).result()
    assert stats.errors == []
    assert not stats.notes
    assert len(stats.first_loads) == 2
    assert len(stats.rerun_times) > 0
