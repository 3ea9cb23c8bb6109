"""Signed share links: a scope (region or visit route), a view and an expiry, read-only.

A link is ``/<page>?s=<token>``; the token is the grant signed with HMAC-SHA256 by
itsdangerous under a secret from Streamlit secrets or the environment (never the repo).
The receiver needs no account. Any change to the token breaks the signature; a grant past
its expiry, or whose id was revoked, opens nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Literal

from itsdangerous import BadData, URLSafeSerializer

from xingtu.auth.principal import READ_PAGES, Principal
from xingtu.domain.hierarchy import region_level

MAX_TOKEN = 4096  # characters; a longer ``s`` is rejected before any decoding
MIN_SECRET = 32
EXPIRY_DAYS: tuple[int, ...] = (1, 7, 30, 90)
_SALT = "xingtu.share.v1"
_PARAM_RE = re.compile(r"[a-z]{1,8}")

ShareProblem = Literal["bad", "expired", "revoked", "off"]


class ShareError(ValueError):
    """A link that opens nothing; ``problem`` picks the page's message."""

    def __init__(self, problem: ShareProblem) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Grant:
    """What a link opens."""

    id: str
    page: str
    region: str
    expires: int  # epoch seconds
    created_by: str
    stops: tuple[str, ...] = ()  # a visit route: only these units
    params: dict[str, str] = field(default_factory=dict)  # the view's URL parameters

    def principal(self) -> Principal:
        units = frozenset(self.stops) if self.stops else None
        pages = ("visit",) if self.stops else READ_PAGES
        return Principal(
            user=f"share:{self.id}",
            name=self.id,
            role="share",
            region=self.region,
            units=units,
            pages=pages,
            expires=float(self.expires),
            share_id=self.id,
            source="share",
        )


def check_secret(secret: str | None) -> str | None:
    """The secret if usable (at least 32 characters), else None (links are then off)."""
    if secret is None or len(secret.strip()) < MIN_SECRET:
        return None
    return secret.strip()


def new_grant(
    principal: Principal,
    page: str,
    region: str,
    days: int,
    now: float,
    stops: tuple[str, ...] = (),
    params: dict[str, str] | None = None,
) -> Grant:
    """A grant within what ``principal`` may see (a link never widens anyone's scope)."""
    if not principal.can_share:
        raise PermissionError("此会话不能创建分享链接")
    if days not in EXPIRY_DAYS:
        raise ValueError(f"有效期应为 {EXPIRY_DAYS} 天之一")
    if page not in READ_PAGES:
        raise ValueError(f"页面 {page!r} 不能分享")
    if stops:
        principal.check_units(stops)
    else:
        principal.check_region(region)
    return Grant(
        id=secrets.token_hex(6),
        page=page,
        region=region,
        expires=int(now + days * 86400),
        created_by=principal.user,
        stops=tuple(stops),
        params=dict(params or {}),
    )


def sign(grant: Grant, secret: str) -> str:
    payload = {
        "i": grant.id,
        "p": grant.page,
        "r": grant.region,
        "e": grant.expires,
        "b": grant.created_by,
        "s": list(grant.stops),
        "q": grant.params,
    }
    return URLSafeSerializer(secret, salt=_SALT).dumps(payload)


def read(token: str, secret: str | None, now: float, revoked: frozenset[str] = frozenset()) -> Grant:
    """The grant of a valid token, else ShareError saying why (bad, expired, revoked, off)."""
    if check_secret(secret) is None:
        raise ShareError("off")
    if not token or len(token) > MAX_TOKEN or not token.isascii():
        raise ShareError("bad")
    try:
        payload = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except (BadData, ValueError, TypeError, UnicodeDecodeError):
        raise ShareError("bad") from None
    grant = _grant(payload)
    if grant is None:
        raise ShareError("bad")
    if grant.id in revoked:
        raise ShareError("revoked")
    if grant.expires <= now:
        raise ShareError("expired")
    return grant


def _grant(payload: object) -> Grant | None:
    """A signed payload is trusted data, still type-checked (an old format must not crash)."""
    if not isinstance(payload, dict):
        return None
    gid, page, region, exp, by = (payload.get(k) for k in ("i", "p", "r", "e", "b"))
    stops, params = payload.get("s", []), payload.get("q", {})
    if not (isinstance(gid, str) and re.fullmatch(r"[0-9a-f]{12}", gid)):
        return None
    if page not in READ_PAGES or not isinstance(exp, int) or not isinstance(by, str):
        return None
    try:
        region_level(str(region))
    except ValueError:
        return None
    if not isinstance(stops, list) or not all(
        isinstance(c, str) and re.fullmatch(r"\d{12}", c) for c in stops
    ):
        return None
    if not isinstance(params, dict) or not all(
        isinstance(k, str) and _PARAM_RE.fullmatch(k) and isinstance(v, str) and len(v) <= 2000
        for k, v in params.items()
    ):
        return None
    return Grant(
        id=gid, page=page, region=str(region), expires=exp, created_by=by, stops=tuple(stops), params=params
    )
