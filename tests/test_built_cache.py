"""The process-wide cache of built figures and tables (``access.load_built``): shared by key,
bounded, least recently used out first, and never across data versions."""

from __future__ import annotations

import pytest

from tests.conftest import store_env
from xingtu.session import access


@pytest.fixture
def built(make_store, monkeypatch: pytest.MonkeyPatch):
    settings = make_store(name="built")
    for key, value in store_env(settings).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(access, "_BUILT", type(access._BUILT)())
    monkeypatch.setattr(access, "BUILT_MAX", 5)
    return access._BUILT


def test_a_built_value_is_shared_bounded_and_the_least_recently_used_goes_first(built):
    calls: list[int] = []

    def build(n: int):
        def run() -> dict:
            calls.append(n)
            return {"n": n}

        return run

    first = access.load_built("t", (0,), build(0))
    assert access.load_built("t", (0,), build(0)) is first  # the same object, built once
    assert calls == [0]
    for n in range(1, 5):
        access.load_built("t", (n,), build(n))
    access.load_built("t", (0,), build(0))  # read again: now the most recent
    access.load_built("t", (5,), build(5))  # one over the bound: the least recent (1) goes
    assert len(built) == access.BUILT_MAX
    assert calls == [0, 1, 2, 3, 4, 5]
    access.load_built("t", (0,), build(0))
    assert calls == [0, 1, 2, 3, 4, 5]  # 0 was kept
    access.load_built("t", (1,), build(1))
    assert calls == [0, 1, 2, 3, 4, 5, 1]  # 1 was not
    assert access.load_built("u", (0,), build(9)) == {"n": 9}  # another name is another entry
