"""Wait by polling a condition, never by sleeping a fixed time.

``wait_until`` calls ``check`` until it returns something true and returns that value; it fails
with ``what`` after ``timeout`` seconds. Exceptions of the types in ``ignore`` count as "not yet"
(a server still starting refuses connections).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


_TICK = threading.Event()


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
        _TICK.wait(interval)  # between two looks at the condition; never set, so always the interval

