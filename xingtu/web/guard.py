"""The shape the middleware of ``xingtu.web`` shares: look at HTTP requests, pass anything else on.

A guard sees each HTTP request (with its ``HTTPConnection``) before the app does and either
answers it itself or hands it on; websocket and lifespan messages go straight to the app.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send


class HttpGuard(ABC):
    """ASGI middleware that decides about HTTP requests only (``handle``); the rest pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, HTTPConnection(scope), receive, send)

    @abstractmethod
    async def handle(self, scope: Scope, conn: HTTPConnection, receive: Receive, send: Send) -> None:
        """Answer the request, or hand it on with ``await self.app(scope, receive, send)``."""
