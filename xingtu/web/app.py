"""The routes and middleware ``serve.py`` mounts beside the Streamlit app."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from xingtu.web import files, signin


def routes() -> list[BaseRoute]:
    """Every route of ours, in the order they are matched."""
    return [*signin.routes(), *files.routes()]


def middleware() -> list[Middleware]:
    """Middleware run before Streamlit's own, outermost first."""
    return [Middleware(signin.SignInGuard), Middleware(files.FileGuard)]
