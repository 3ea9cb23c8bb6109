"""The session's view state: read once from the URL, kept in session state, written back.

One ``ViewState`` per session is the single source of truth. Widgets are bound to one of
its fields: before a widget is drawn its session-state value is set from the view, and
its ``on_change`` writes the new value back, so programmatic changes (a map click, a
breadcrumb) and widget changes go through the same path. At the end of every run
``sync_url`` writes the view into the address bar, so any link reopens the same view.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from xingtu.i18n import translate
from xingtu.store import access
from xingtu.viewstate import Context, Lang, Notice, ViewState, parse_params, to_params

_VIEW = "_view"
_NOTICES = "_view_notices"


@st.cache_resource(show_spinner=False)
def _context(fingerprint: str) -> Context:
    del fingerprint  # cache key only: a rebuilt store gets a new context
    regions = access.load_region_table()
    stars = access.load_standard_summary()["star_id"]
    return Context(
        province=str(regions.loc[regions["level"] == "province", "code"].iloc[0]),
        years=tuple(access.load_years()),
        regions=frozenset(regions["code"]),
        counties=frozenset(regions.loc[regions["level"] == "county", "code"]),
        stars=frozenset(stars),
        is_unit=access.is_unit,
    )


def context() -> Context:
    return _context(access.load_meta()["fingerprint"])


def current() -> ViewState:
    """This session's view; on the session's first run, parsed from the URL."""
    if _VIEW not in st.session_state:
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        view, notices = parse_params(params, context())
        st.session_state[_VIEW] = view
        st.session_state[_NOTICES] = notices
    return st.session_state[_VIEW]


def lang() -> Lang:
    return current().lang


def t(key: str, **values: object) -> str:
    """Translate ``key`` into the view's language."""
    return translate(key, lang(), **values)


def update(**changes: Any) -> None:
    """Change fields of the view (from callbacks, clicks, breadcrumbs); clears URL notices."""
    view = current()
    new = dataclasses.replace(view, **changes)
    if new != view:
        st.session_state[_VIEW] = new
        st.session_state[_NOTICES] = []


def _on_change(field: str, key: str, decode: Callable[[Any], Any]) -> None:
    update(**{field: decode(st.session_state[key])})


def _identity(value: Any) -> Any:
    return value


def bind(
    widget: Callable[..., Any],
    field: str,
    options: Sequence[Any],
    key: str,
    encode: Callable[[Any], Any] = _identity,
    decode: Callable[[Any], Any] = _identity,
    **kwargs: Any,
) -> Any:
    """Draw a choice widget bound to a view field; returns the field's (decoded) value.

    ``encode`` maps the field value to a widget option; a value not among the options
    (e.g. a region outside the current city) shows the first option instead.
    """
    value = encode(getattr(current(), field))
    if value not in options:
        value = options[0]
    st.session_state[key] = value
    widget(key=key, options=options, on_change=_on_change, args=(field, key, decode), **kwargs)
    return decode(st.session_state[key])


def bind_multi(field: str, options: Sequence[str], key: str, **kwargs: Any) -> tuple[str, ...]:
    """A multiselect bound to a tuple field; values not among the options are dropped."""
    st.session_state[key] = [v for v in getattr(current(), field) if v in options]
    st.multiselect(key=key, options=options, on_change=_on_change, args=(field, key, tuple), **kwargs)
    return tuple(st.session_state[key])


def render_notices() -> None:
    """The parameters of the opening link that were ignored, in plain words."""
    notices: list[Notice] = st.session_state.get(_NOTICES, [])
    if not notices:
        return
    items = "；".join(f"{n.param}={n.value!r}：{t(n.reason)}" for n in notices)
    st.warning(t("url.notice", items=items), icon=":material/link_off:")


def sync_url() -> None:
    """Write the view into the address bar when it differs (no message when it does not)."""
    params = to_params(current(), context())
    present = {k: st.query_params.get(k) for k in st.query_params}
    if present != params:
        st.query_params.from_dict(params)


_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def md(text: object) -> str:
    """Data text made inert for st.markdown: every markdown control character escaped."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in str(text))
