"""The session's view state: read once from the URL, kept in session state, written back.

One ``ViewState`` per session is the single source of truth. Widgets are bound to one of
its fields: before a widget is drawn its session-state value is set from the view, and
its ``on_change`` writes the new value back, so programmatic changes (a map click, a
breadcrumb) and widget changes go through the same path. At the end of every run
``sync_url`` writes the view into the address bar, so any link reopens the same view.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

import plotly.graph_objects as go
import streamlit as st

from components.theme import FrozenFigure

from xingtu.i18n import translate
from xingtu.safe import markdown_text
from xingtu.session import access
from xingtu.viewstate import Context, Lang, Notice, ViewState, parse_params, to_params

_VIEW = "_view"
SHARE_PARAM = "s"  # a share link's token: read by components.auth, kept in the address bar
_NOTICES = "_view_notices"
_T = TypeVar("_T")


@st.cache_resource(show_spinner=False, max_entries=500)
def _context(fingerprint: str, root: str, inside: bool) -> Context:
    """The values a link may name for a scope: regions it may look at (not their ancestors)."""
    del fingerprint, inside  # cache key only: a rebuilt store, another scope, get a new context
    regions = access.load_region_table()  # already cut to the session's scope
    stars = access.load_standard_summary()["star_id"]
    # a region without units (outside a deployment limited to some counties) has nothing to show
    seen = regions["code"].map(access.principal().sees_region).astype(bool)
    viewable = regions[seen & (regions["units"] > 0)]
    return Context(
        province=str(regions.loc[regions["level"] == "province", "code"].iloc[0]),
        years=tuple(access.load_years()),
        regions=frozenset(viewable["code"]),
        counties=frozenset(viewable.loc[viewable["level"] == "county", "code"]),
        stars=frozenset(stars),
        is_unit=access.is_unit,
        root=root,
    )


def context() -> Context:
    who = access.principal()
    return _context(access.load_meta()["fingerprint"], who.region, who.units is None)


def current() -> ViewState:
    """This session's view; on the session's first run, parsed from the URL."""
    if _VIEW not in st.session_state:
        params = {k: st.query_params.get_all(k) for k in st.query_params if k != SHARE_PARAM}
        view, notices = parse_params(params, context())
        st.session_state[_VIEW] = view
        st.session_state[_NOTICES] = notices
    return st.session_state[_VIEW]


def lang() -> Lang:
    """The view's language; before a view exists (the sign-in page), the link's ``lang``."""
    view = st.session_state.get(_VIEW)
    if isinstance(view, ViewState):
        return view.lang
    asked = st.query_params.get("lang")
    return "en" if asked == "en" else "zh"


def t(key: str, **values: object) -> str:
    """Translate ``key`` into the view's language."""
    return translate(key, lang(), **values)


def built(name: str, *key: Hashable, build: Callable[[], _T]) -> _T:
    """``build()`` once per data version, language and ``key``, shared by every session.

    For figures, specs and tables a page only draws: ``key`` names every value the result
    depends on besides the data version and the language (the view's fields it reads, a
    file URL it embeds). The result is shared: draw it, never change it."""
    def build_frozen() -> _T:
        value = build()
        return FrozenFigure.of(value) if type(value) is go.Figure else value  # type: ignore[return-value]

    return access.load_built(name, (lang(), *key), build_frozen)


def texts(keys: Mapping[str, str]) -> dict[str, str]:
    """A table of text keys (name -> key), translated into the view's language: column headings,
    a component's labels."""
    return {name: t(key) for name, key in keys.items()}


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


def bind_choice(
    widget: Callable[..., Any],
    field: str,
    options: Sequence[str],
    key: str,
    label: str,
    option_label: str,
    **kwargs: Any,
) -> Any:
    """``bind`` for fixed options, labelled by translation keys: the widget's ``label``, and
    ``<option_label>.<option>`` for each option (translated now, in this run's language)."""
    return bind(
        widget,
        field,
        list(options),
        key,
        label=t(label),
        format_func={option: t(f"{option_label}.{option}") for option in options}.__getitem__,
        **kwargs,
    )


def link(label: str, key: str, changes: dict[str, Any], icon: str | None = None, **kwargs: Any) -> None:
    """A borderless button that changes the view when clicked (``changes``: the fields it sets)."""
    st.button(label, key=key, on_click=update, kwargs=changes, type="tertiary", icon=icon, **kwargs)


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
    items = "；".join(f"{md(_clip(n.param))}={md(_clip(repr(n.value)))}：{t(n.reason)}" for n in notices[:10])
    st.warning(t("url.notice", items=items), icon=":material/link_off:")


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def params(state: ViewState) -> dict[str, str]:
    """The URL parameters of ``state`` in this session's context (what a shared link carries)."""
    return to_params(state, context())


def sync_url() -> None:
    """Write the view into the address bar when it differs (no message when it does not).

    A share link's token stays: reloading the page must reopen the same shared view."""
    params = to_params(current(), context())
    who = access.current_principal()
    if who is not None and who.token:
        params[SHARE_PARAM] = who.token
    present = {k: st.query_params.get(k) for k in st.query_params}
    if present != params:
        st.query_params.from_dict(params)


def md(text: object) -> str:
    """Data text made inert for st.markdown, captions, alerts and labels (see xingtu.safe)."""
    return markdown_text(text)
