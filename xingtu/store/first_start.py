"""The first start's store build, in a background thread: once per process, watched by any page.

The server entry (``serve.py``) starts it as soon as the server starts, so the build does not
wait for the first browser; the first-start page (``components/store_gate.py``) starts it if
nothing did and shows how far it got. No Streamlit here: the server imports this module before
Streamlit's runtime exists.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from xingtu.store.build import BUILD_STEPS, ensure_store


@dataclass
class Build:
    """One build of the store in a background thread, and how far it got."""

    fraction: float = 0.0
    step: str = BUILD_STEPS[0]  # a key of xingtu.i18n TEXTS
    error: Exception | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            ensure_store(progress=self.report)
        except Exception as exc:  # shown by every waiting page; the next page load tries again
            self.error = exc
        finally:
            self.done.set()

    def report(self, fraction: float, step: str) -> None:
        self.fraction, self.step = min(max(fraction, 0.0), 1.0), step


_LOCK = threading.Lock()
_BUILD: list[Build] = []  # the build under way, or the last one, in this process


def start_build() -> Build:
    """The build under way, else a new one.

    A new build is a quick no-op when the store is already current: ``ensure_store`` checks
    the fingerprint, and checks again under the store lock.
    """
    with _LOCK:
        if not _BUILD or _BUILD[0].done.is_set():
            build = Build()
            _BUILD[:] = [build]
            threading.Thread(target=build.run, name="xingtu-store-build", daemon=True).start()
        return _BUILD[0]
