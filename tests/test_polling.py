"""The polling helper: returns the first true value, waits no longer than asked, names what failed."""

import time

import pytest

from tests.polling import NotYet, wait_until


def test_returns_the_first_true_value_without_waiting_longer():
    calls = iter([0, None, "", "ready", "later"])
    started = time.monotonic()
    assert wait_until(lambda: next(calls), timeout=5, what="x", interval=0.01) == "ready"
    assert time.monotonic() - started < 1


def test_fails_after_the_timeout_naming_the_condition_and_the_last_error():
    def refuse():
        raise ConnectionRefusedError("down")

    started = time.monotonic()
    with pytest.raises(NotYet, match=r"the server answers: not within 0.2 s.*ConnectionRefusedError"):
        wait_until(refuse, timeout=0.2, what="the server answers", interval=0.02, ignore=(OSError,))
    assert 0.2 <= time.monotonic() - started < 2


def test_an_error_it_was_not_told_to_ignore_is_raised_at_once():
    with pytest.raises(ZeroDivisionError):
        wait_until(lambda: 1 / 0, timeout=5, what="x")

