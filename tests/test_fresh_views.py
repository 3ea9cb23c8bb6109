"""No stale view after a new data version: a process whose caches (query results, built figures,
decks and tables) were filled before an import shows exactly what a cold process shows after it.

Each page is drawn once on the first version (filling every cache), a new version changes
源汇区's levels, and each page is drawn again in the same process; then every cache is emptied
and the pages are drawn cold. The warm drawing must equal the cold one, element for element,
and differ from the first (the change is visible where the levels are shown).
"""

from __future__ import annotations

import json

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import store_env
from xingtu.session import access
from xingtu.settings import ROOT
from xingtu.store import versions

APP = str(ROOT / "app.py")
PAGES = {
    "overview": None,
    "trends": "app_pages/trends.py",
    "weak": "app_pages/weak.py",
    "screen": "app_pages/screen.py",
    "status": "app_pages/status.py",
}
LINK = {"r": "4111", "y": "2025"}  # 漯河市: its counties on the map, the ranking, the trends


@pytest.fixture
def fresh_env(make_store, monkeypatch: pytest.MonkeyPatch):
    settings = make_store(name="fresh")
    for key, value in store_env(settings).items():
        monkeypatch.setenv(key, value)
    for name in ("XINGTU_USERS_FILE", "XINGTU_SHARE_SECRET", "XINGTU_AUDIT_FILE"):
        monkeypatch.delenv(name, raising=False)
    _forget_everything()
    yield settings
    _forget_everything()


def _forget_everything() -> None:
    """A cold process: no cached query, resource or built figure, no version seen."""
    st.cache_data.clear()
    st.cache_resource.clear()
    with access._BUILT_LOCK:
        access._BUILT.clear()
    access._SEEN.clear()


def _draw(page: str) -> dict[str, list]:
    """What a page shows, element by element, by kind (ids and widget keys left out)."""
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in LINK.items():
        at.query_params[key] = value
    at.run()
    if PAGES[page]:
        at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    return {
        "metrics": [(m.label, m.value, m.proto.delta) for m in at.metric],
        "charts": [json.loads(c.proto.spec) for c in at.get("plotly_chart")],
        "decks": [json.loads(d.proto.json) for d in at.get("deck_gl_json_chart")],
        "html": [h.proto.body for h in at.get("html")],
        "components": [c.proto.json for c in at.get("bidi_component")],
        "tables": [d.value.to_dict("split") for d in at.dataframe],
        "text": [m.value for m in at.markdown] + [c.value for c in at.caption],
    }


def _raise_levels(con: duckdb.DuckDBPyConnection) -> dict:
    """The new version: every unit of 源汇区 one star up in 2025 (五星 stays 五星)."""
    con.execute(
        """UPDATE annual_results SET level = least(level + 1, 5)
           WHERE year = 2025 AND prefix(code, '411102')"""
    )
    return {"rows": 1, "units": 1, "years": [2025]}


def test_after_a_new_version_every_cached_view_equals_a_cold_one(fresh_env):
    before = {page: _draw(page) for page in PAGES}  # fills every cache of this process
    versions.create_version(_raise_levels, user="测试", file_name="levels.xlsx", kind="annual", checksum="t")
    warm = {page: _draw(page) for page in PAGES}
    _forget_everything()
    cold = {page: _draw(page) for page in PAGES}
    for page in PAGES:
        for kind in cold[page]:
            assert warm[page][kind] == cold[page][kind], f"{page}: stale {kind} after a new version"
    # the change shows: the headline figures, the map and ranking, the trends, the big screen
    assert warm["overview"]["metrics"] != before["overview"]["metrics"]
    assert warm["overview"]["charts"] != before["overview"]["charts"]
    assert warm["overview"]["components"] != before["overview"]["components"]
    assert warm["trends"]["charts"] != before["trends"]["charts"]
    assert warm["screen"]["html"] != before["screen"]["html"]
