"""Panels: parts of a page whose own widgets rerun only them (``st.fragment``), and the guard every
run of page code passes through (the whole page's or a panel's)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from components import auth, view
from xingtu.auth.principal import AccessDenied
from xingtu.session import access


@contextlib.contextmanager
def guarded(page: str) -> Iterator[None]:
    """Run page code: a refusal of the data layer (out of scope, not an admin) is audited and
    said; any other failure is logged and said in one line, never shown as a traceback."""
    try:
        yield
    except AccessDenied as denied:
        access.record_event("denied", access.current_principal(), page=page, reason=str(denied))
        st.error(view.t("auth.denied"), icon=":material/block:")
    except Exception:  # the last line of defence: a message, never a traceback in the UI
        logging.getLogger("xingtu").exception("page %s failed", page)
        st.error(view.t("app.page_error"), icon=":material/error:")


def _panel_run() -> bool:
    """True while only panels rerun (a widget inside one changed), not the whole page."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def panel(draw: Callable[..., None]) -> Callable[..., None]:
    """A part of a page whose own widgets rerun only it, not the whole page.

    For a panel whose widgets change nothing outside it (the village layer, the counties
    compared): the rest of the page is neither recomputed nor sent again. A panel's own
    rerun checks the session first, as a full run does (a signed-out browser or a revoked
    link gets the full run, which says why), runs under the same guard, and writes its
    change into the address bar, so a link copied after it reopens the same view.
    """

    def run(*args: Any, **kwargs: Any) -> None:
        alone = _panel_run()
        if alone and not auth.still_valid():
            st.rerun(scope="app")
        with guarded(draw.__qualname__):
            draw(*args, **kwargs)
        if alone:
            view.sync_url()

    # the fragment is known by the panel's own name (and where it is drawn), not this wrapper's
    run.__module__, run.__qualname__, run.__name__ = draw.__module__, draw.__qualname__, draw.__name__
    run.__doc__ = draw.__doc__
    return st.fragment(run)
