"""The app's door to the store: one read-only connection per process, cached queries, scoped.

This is the only module besides components that imports Streamlit, for its caches and
for the session's principal: results are cached by the small parameters of each query
(region code, unit type, year), never by a DataFrame. Each call takes its own cursor,
since Streamlit runs sessions in threads and a DuckDB connection must not be shared
between them mid-query.

Access control lives here, not in the pages: every public ``load_*`` first checks its
region or unit codes against the session's ``Principal`` and raises ``AccessDenied``
outside the scope; lists that span regions (the region table, search, counties) are cut
to the scope. A session without a principal reads nothing.
"""

from __future__ import annotations

import functools
import pickle
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from xingtu.auth import audit
from xingtu.auth.principal import AccessDenied, Principal
from xingtu.domain import search
from xingtu.settings import get_settings
from xingtu.store import queries as q
from xingtu.store import static_files, versions, views
from xingtu.store.build import ensure_store
from xingtu.store.paths import store_path as build_store_path
from xingtu.viewstate import MAX_STOPS
from xingtu.web import files

CACHE_TTL_S = 3600
_T = TypeVar("_T")
PACK_LEVEL = 1  # zlib's fastest: results shrink 3-7 times either way
Palette = tuple[tuple[int, int, int], ...]  # an RGB colour per star level
_PRINCIPAL = "_xingtu_principal"


def set_principal(principal: Principal | None) -> None:
    """Fix (or drop, on logout) who this session is; every later query is checked against it."""
    if principal is None:
        st.session_state.pop(_PRINCIPAL, None)
    else:
        st.session_state[_PRINCIPAL] = principal


def current_principal() -> Principal | None:
    return st.session_state.get(_PRINCIPAL)


def principal() -> Principal:
    """This session's principal; reading data without one is refused."""
    who = st.session_state.get(_PRINCIPAL)
    if not isinstance(who, Principal):
        raise AccessDenied("未登录的会话不能读取数据")
    return who


def record_event(event: str, who: Principal | None = None, user: str = "", **detail: object) -> None:
    """One audit line, for ``who`` or for a name not yet signed in (a failed sign-in, a link refused)."""
    path = get_settings().audit_path
    if who is None:
        audit.record(path, event, user, "", "", **detail)
    else:
        audit.record(path, event, who.user, who.role, who.region, **detail)


@st.cache_resource(show_spinner=False, max_entries=4)
def _audit_events(path: str, mtime: int) -> tuple[audit.Event, ...]:
    del mtime  # cache key only: a new line gives a new mtime
    return tuple(audit.read_events(Path(path)))


def load_audit_events() -> tuple[audit.Event, ...]:
    """The audit log, read again only when it changed (it is also the record of share links)."""
    path = get_settings().audit_path
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return ()
    return _audit_events(str(path), mtime)


def _region(region: str) -> str:
    principal().check_region(region)
    return region


@st.cache_resource(show_spinner=False)
def _connect(path: str, fingerprint: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection per store file and content version."""
    del fingerprint  # part of the cache key only: a rebuilt store gets a new connection
    return duckdb.connect(path, read_only=True)


@st.cache_resource(show_spinner=False)
def _base_ready() -> str:
    """Build or check the base store once per process."""
    return str(ensure_store())


def _ready_store() -> str:
    """The store file in force: read from the version pointer on every call (a tiny file)."""
    _base_ready()
    return str(versions.active_path())


def store_path() -> str:
    """The store file in force (an imported version, or the base)."""
    return _ready_store()


def base_store_path() -> str:
    """The base store (version 0), built from the reference data."""
    return str(build_store_path())


_SEEN: dict[str, str] = {}


def sync_version() -> bool:
    """Once per script run: if another version came into force (an import or a rollback, here or
    in another process), every cached query result is dropped, so no page mixes versions.
    True when this run is the first of this process to see the version in force."""
    path = _ready_store()
    if _SEEN.get("path", path) != path:
        st.cache_data.clear()
        with _BUILT_LOCK:
            _BUILT.clear()
    new = _SEEN.get("path") != path
    _SEEN["path"] = path
    return new


# Built figures, specs and tables, shared by every session of this process: key -> value.
_BUILT: OrderedDict[tuple, Any] = OrderedDict()
_BUILT_LOCK = threading.Lock()
# Entries: a built figure holds tens of KB (its map data comes by URL, not inline) and a view
# builds about five, so 200 hold the last forty or so views looked at (about 10 MB): what the
# readers of one meeting are looking at now. Beyond that, a figure is built again (5-20 ms)
# rather than kept: the server's memory levels off within minutes instead of growing for hours.
BUILT_MAX = 200


def load_built(name: str, key: tuple[Hashable, ...], build: Callable[[], _T]) -> _T:
    """What ``build()`` returns for ``name`` and ``key``, built once per data version and shared.

    ``key`` holds the small values the result depends on besides the data version: the view's
    parameters, the language, and any file URL the result embeds (a URL carries its
    principal's token, so a figure pointing at a file is never handed to another principal).
    Everything is read-only for the caller: Streamlit serialises a figure without changing
    it, and a page draws what it is given. Keyed by the store file in force, so a new
    version is never answered from an older one (``sync_version`` also empties the cache).
    """
    full = (_SEEN.get("path") or _ready_store(), name, *key)
    with _BUILT_LOCK:
        if full in _BUILT:
            _BUILT.move_to_end(full)
            return _BUILT[full]
    value = build()
    with _BUILT_LOCK:
        _BUILT[full] = value
        while len(_BUILT) > BUILT_MAX:
            _BUILT.popitem(last=False)
    return value


def prepare_store(progress: Callable[[float, str], None]) -> Path:
    """Build the store if missing or stale (first run), reporting progress; then cache its path."""
    path = ensure_store(progress=progress)
    _base_ready.clear()
    return path


def _cursor() -> duckdb.DuckDBPyConnection:
    path = _ready_store()
    con = _connect(path, str(Path(path).stat().st_mtime_ns))
    return con.cursor()


def _pack(value: object) -> bytes:
    """A result as the cache keeps it: pickled and compressed (a fifth of the memory; 0.1 ms)."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), PACK_LEVEL)


def _unpack(blob: bytes) -> Any:
    return pickle.loads(zlib.decompress(blob))  # noqa: S301 - bytes this process packed itself


def _scope_loader(query: Callable[..., _T], max_entries: int | None = None) -> Callable[..., _T]:
    """A cached loader: ``(region, unit_type, year, *more)`` → ``query(cursor, scope, year, *more)``.

    Streamlit keys a cache by its function's qualified name and source, which every function
    made here shares: each is named after its query, so each query keeps a cache of its own.
    The cache holds each result packed (``_pack``): a server that has seen many scopes keeps
    about a fifth of the memory it would for the pickles Streamlit keeps on its own; every
    read still returns a fresh copy, as Streamlit's does.
    """

    def load(region: str, unit_type: q.TypeFilter, year: int, *more: Any) -> bytes:
        with _cursor() as cur:
            return _pack(query(cur, q.Scope(region, unit_type), year, *more))

    load.__name__ = load.__qualname__ = f"_load_{query.__module__}.{query.__name__}"
    # no time limit: a store file never changes (a new version is a new file, and sync_version
    # empties the caches); max_entries bounds the memory
    cached = st.cache_data(show_spinner=False, max_entries=max_entries)(load)

    def read(region: str, unit_type: q.TypeFilter, year: int, *more: Any) -> _T:
        return _unpack(cached(region, unit_type, year, *more))

    read.__name__ = read.__qualname__ = load.__name__
    return read


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_meta() -> dict[str, str]:
    with _cursor() as cur:
        return q.query_meta(cur)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_years() -> list[int]:
    """The years to choose from (with no results anywhere yet: the dataset's assessment years)."""
    with _cursor() as cur:
        return q.query_years(cur)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_data_years() -> list[int]:
    """The years that hold any results (none in a dataset nothing was imported into yet)."""
    with _cursor() as cur:
        return q.query_data_years(cur)


def load_summary(region: str, unit_type: q.TypeFilter, year: int) -> dict:
    """The headline metrics of a scope and year, with ``expected``: whether anything is imported."""
    return _load_summary(_region(region), unit_type, year)


_load_summary = _scope_loader(q.query_summary, max_entries=2000)


def load_shows_sample(region: str, unit_type: q.TypeFilter, year: int) -> bool:
    """Whether generated sample rows are among what a page of this scope and year shows."""
    if not versions.holds_sample(load_meta()):
        return False
    return _load_sample_share(_region(region), unit_type, year)[0] > 0


_load_sample_share = _scope_loader(q.query_sample_share, max_entries=2000)


def load_coverage(region: str) -> views.Coverage:
    """What has been imported per county and year inside ``region`` (the session's scope at most)."""
    return _load_coverage(_region(region))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=200)
def _load_coverage(region: str) -> views.Coverage:
    with _cursor() as cur:
        return views.query_coverage(cur, region)


def load_level_counts(region: str, unit_type: q.TypeFilter, year: int) -> pd.DataFrame:
    return _load_level_counts(_region(region), unit_type, year)


_load_level_counts = _scope_loader(q.query_level_counts)


def load_region_counts(region: str) -> pd.DataFrame:
    return _load_region_counts(_region(region))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _load_region_counts(region: str) -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_region_counts(cur, region)


def load_region_path(region: str) -> pd.DataFrame:
    """The names from the province down to ``region`` (the region's ancestors are names only)."""
    if not principal().sees_name_of(region):
        raise AccessDenied(f"区域 {region!r} 不在权限范围内")
    return _load_region_path(region)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=5000)
def _load_region_path(region: str) -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_region_path(cur, region)


def load_region_table() -> pd.DataFrame:
    """The regions this session may name: its scope, everything inside, and the ancestors."""
    return _scoped_region_table(principal().region, principal().units is None)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=500)
def _scoped_region_table(root: str, inside: bool) -> pd.DataFrame:
    table = _load_region_table()
    prefix = q.region_prefix(root)
    codes = table["code"]
    ancestors = codes.map(lambda c: root.startswith(q.region_prefix(c)))
    keep = ancestors | (codes.str.startswith(prefix) if inside else False)
    return table[keep].reset_index(drop=True)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _load_region_table() -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_region_table(cur)


@st.cache_resource(show_spinner=False)
def _unit_codes(path: str, mtime: int) -> frozenset[str]:
    del mtime  # cache key only
    with _cursor() as cur:
        return q.query_unit_codes(cur)


def is_unit(code: str) -> bool:
    """Whether a unit with this code exists and is in scope (set lookup, loaded once per store)."""
    path = _ready_store()
    return principal().sees_unit(code) and code in _unit_codes(path, Path(path).stat().st_mtime_ns)


def load_boundary_url(layer: str) -> str:
    """URL of a boundary layer's file (fetched once, cached by the browser), for this principal.

    The URL carries a token made for the session's principal: the file route
    (``xingtu.web.files``) serves the file only while that principal still holds."""
    return files.url_for(_boundary_file(layer), principal(), time.time())


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _boundary_file(layer: str) -> str:
    meta = load_meta()
    static_files.prune_stale(keep=meta["fingerprint"])
    return static_files.write_boundaries(meta["fingerprint"], meta["province_code"][:2], layer)


def load_children_boundary_url(child_level: str) -> str | None:
    """The boundary file for a map of ``child_level`` regions; None when they have no polygons."""
    layer = {"city": "cities", "county": "counties"}.get(child_level)
    return load_boundary_url(layer) if layer else None


def load_points_url(
    region: str,
    unit_type: q.TypeFilter,
    year: int,
    level: int | None,
    palette: Palette,
) -> tuple[str, int]:
    """URL and count of the units-in-scope points file for the village layer (colours by level).

    The URL's token opens only files of ``region`` (checked against the principal here and by
    the file route at each request)."""
    key, count = _points_file(_region(region), unit_type, year, level, palette)
    return files.url_for(key, principal(), time.time()), count


def _write_points(
    cur: duckdb.DuckDBPyConnection, scope: q.Scope, year: int, level: int | None, palette: Palette
) -> tuple[str, int]:
    """Key (``<fingerprint>/<name>``) and count of the points file, written on first use."""
    return static_files.write_points(
        cur, load_meta()["fingerprint"], scope.region, scope.unit_type, year, level, palette
    )


_points_file = _scope_loader(_write_points, max_entries=2000)


def load_overview(region: str, unit_type: q.TypeFilter, year: int, by: str) -> views.Overview:
    return _load_overview(_region(region), unit_type, year, by)


_load_overview = _scope_loader(views.query_overview, max_entries=2000)


def load_screen(region: str, unit_type: q.TypeFilter, year: int, by: str) -> views.Screen:
    return _load_screen(_region(region), unit_type, year, by)


_load_screen = _scope_loader(views.query_screen, max_entries=200)


def load_visit(codes: tuple[str, ...], year: int) -> views.Visit:
    principal().check_units(codes)
    return _load_visit(codes, year)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=500)
def _load_visit(codes: tuple[str, ...], year: int) -> views.Visit:
    with _cursor() as cur:
        return views.query_visit(cur, codes, year)


def load_visit_candidates(region: str, unit_type: q.TypeFilter, year: int, criterion: str) -> pd.DataFrame:
    return _load_visit_candidates(_region(region), unit_type, year, criterion, MAX_STOPS)


_load_visit_candidates = _scope_loader(q.query_visit_candidates, max_entries=500)


def load_unit_page(code: str, year: int) -> views.UnitPage | None:
    principal().check_units((code,))
    return _load_unit_page(code, year)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=2000)
def _load_unit_page(code: str, year: int) -> views.UnitPage | None:
    with _cursor() as cur:
        return views.query_unit_page(cur, code, year, dims=_dimensions(_ready_store()))


def load_unit_search(query: str, limit: int = 20) -> pd.DataFrame:
    """Search results for a typed query, among the units of this session's scope only."""
    who = principal()
    if who.units is not None:  # a shared route has no search
        raise AccessDenied("分享的观摩路线不能搜索")
    return _load_unit_search(query, limit, who.prefix)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=5000)
def _load_unit_search(query: str, limit: int, prefix: str) -> pd.DataFrame:
    path = _ready_store()
    return search.compute_search(_unit_index(path, Path(path).stat().st_mtime_ns, prefix), query, limit)


@st.cache_resource(show_spinner=False, max_entries=300)
def _unit_index(path: str, mtime: int, prefix: str) -> pd.DataFrame:
    """The search corpus of the units inside ``prefix`` (cut once per scope from the whole)."""
    index = _all_units_index(path, mtime)
    return index if len(prefix) <= 2 else index[index["code"].str.startswith(prefix)].reset_index(drop=True)


@st.cache_resource(show_spinner=False)
def _all_units_index(path: str, mtime: int) -> pd.DataFrame:
    del mtime  # cache key only
    with _cursor() as cur:
        return q.query_unit_index(cur)


def load_trends(region: str, unit_type: q.TypeFilter, year: int, star: str | None) -> views.Trends:
    return _load_trends(_region(region), unit_type, year, star)


_load_trends = _scope_loader(views.query_trends, max_entries=2000)


def load_county_years(region: str, unit_type: q.TypeFilter) -> pd.DataFrame:
    return _load_county_years(_region(region), unit_type)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _load_county_years(region: str, unit_type: q.TypeFilter) -> pd.DataFrame:
    with _cursor() as cur:
        return views.query_county_years(cur, region, unit_type)


def load_weak(
    region: str, unit_type: q.TypeFilter, year: int, tab: str, star: str | None, level: int | None
) -> views.WeakAnalysis:
    return _load_weak(_region(region), unit_type, year, tab, star, level)


_load_weak = _scope_loader(views.query_weak, max_entries=2000)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def load_standard_summary() -> pd.DataFrame:
    with _cursor() as cur:
        return q.query_standard_summary(cur)


@st.cache_resource(show_spinner=False)
def _dimensions(path: str) -> q.Dimensions:
    with _cursor() as cur:
        return q.query_dimensions(cur)


def load_briefing(region: str, unit_type: q.TypeFilter, year: int) -> views.Briefing:
    """The printable briefing's data (built only when someone downloads it)."""
    return _load_briefing(_region(region), unit_type, year)


def briefing_loader(region: str, unit_type: q.TypeFilter, year: int) -> Callable[[], views.Briefing]:
    """The briefing's data for a deferred download: the scope is checked now, in the session's
    run, since the download thread that reads it later has no session to check against."""
    return functools.partial(_load_briefing, _region(region), unit_type, year)


_load_briefing = _scope_loader(views.query_briefing, max_entries=200)
