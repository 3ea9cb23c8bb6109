"""Wait by polling a condition, never by sleeping a fixed time.

``wait_until`` calls ``check`` until it returns something true and returns that value; it fails
with ``what`` after ``timeout`` seconds. Exceptions of the types in ``ignore`` count as "not yet"
(a server still starting refuses connections).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class NotYet(AssertionError):
    """The condition did not hold within the timeout."""


def wait_until(
    check: Callable[[], T],
    timeout: float,
    what: str,
    interval: float = 0.1,
    ignore: tuple[type[BaseException], ...] = (),
) -> T:
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while True:
        try:
            value = check()
        except ignore as exc:
            value, last = None, exc  # type: ignore[assignment]
        if value:
            return value
        if time.monotonic() >= deadline:
            raise NotYet(f"{what}: not within {timeout:g} s" + (f" (last: {last!r})" if last else ""))
        time.sleep(interval)  # the polling interval, not a guess of how long the work takes


def holds_for(check: Callable[[], object], seconds: float, what: str, interval: float = 0.2) -> None:
    """A negative claim ("the paused screen stays"): ``check`` stays true for ``seconds``; fails at
    the first poll where it does not, naming ``what``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not check():
            held = seconds - (deadline - time.monotonic())
            raise AssertionError(f"{what}: stopped holding after {held:.1f} s")
        time.sleep(interval)
