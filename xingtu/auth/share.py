"""Signed share links: a scope (region or visit route), a view and an expiry, read-only.

A link is ``/<page>?s=<token>``; the token is the grant signed with HMAC-SHA256 by
itsdangerous under a secret from Streamlit secrets or the environment (never the repo).
The receiver needs no account. Any change to the token breaks the signature; a grant past
its expiry, or whose id was revoked, opens nothing.

A grant of kind ``display`` is the meeting-room PC's token: made by an admin only, it opens
the big screen and nothing else (one region, optionally a playlist), for 30, 90 or 365 days,
so that a screen runs for days without anyone typing a password. It is revoked, listed and
audited like any link (the audit lines carry ``kind=display``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from itsdangerous import BadData, URLSafeSerializer

from xingtu.auth.principal import READ_PAGES, Principal
from xingtu.domain.hierarchy import region_level, region_prefix
from xingtu.viewstate import EVERY_RANGE, MAX_PLAY

MAX_TOKEN = 4096  # characters; a longer ``s`` is rejected before any decoding
MIN_SECRET = 32
EXPIRY_DAYS: tuple[int, ...] = (1, 7, 30, 90)
DISPLAY_DAYS: tuple[int, ...] = (30, 90, 365)  # a display token outlives a meeting or two
DISPLAY_PAGE = "screen"  # the only page a display token opens
_SALT = "xingtu.share.v1"
_PARAM_RE = re.compile(r"[a-z]{1,8}")

ShareProblem = Literal["bad", "expired", "revoked", "off"]
Kind = Literal["view", "display"]
KINDS: tuple[Kind, ...] = ("view", "display")


class ShareError(ValueError):
    """A link that opens nothing; ``problem`` picks the page's message.

    ``grant_id`` names the link when its signature held (expired or revoked), for the audit."""

    def __init__(self, problem: ShareProblem, grant_id: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.grant_id = grant_id


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
    kind: Kind = "view"  # display: the big screen only (a meeting-room PC)

    def principal(self) -> Principal:
        if self.kind == "display":
            return Principal(
                user=f"display:{self.id}",
                name=self.id,
                role="share",
                region=self.region,
                pages=(DISPLAY_PAGE,),
                expires=float(self.expires),
                share_id=self.id,
                source="share",
            )
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
        page=page,
        region=region,
        stops=tuple(stops),
        params=dict(params or {}),
        **_fresh(principal, days, now),
    )


def new_display(
    principal: Principal,
    region: str,
    days: int,
    now: float,
    play: tuple[str, ...] = (),
    every: int = 30,
) -> Grant:
    """A display token: the big screen of ``region`` (and only it), optionally a playlist.

    Only an admin makes one. The playlist's regions lie inside ``region``; ``every`` is the
    seconds per view (0: the screen stays on one view and re-reads the data on its timer)."""
    if not principal.can_import:
        raise PermissionError("只有管理员能创建大屏令牌")
    if days not in DISPLAY_DAYS:
        raise ValueError(f"大屏令牌有效期应为 {DISPLAY_DAYS} 天之一")
    principal.check_region(region)
    inside = region_prefix(region)
    play = tuple(dict.fromkeys(play))
    if len(play) > MAX_PLAY:
        raise ValueError(f"轮播最多 {MAX_PLAY} 个区域")
    for code in play:
        region_level(code)
        if not code.startswith(inside):
            raise ValueError(f"轮播区域 {code!r} 不在大屏范围 {region!r} 内")
    if every != 0 and not EVERY_RANGE[0] <= every <= EVERY_RANGE[1]:
        raise ValueError(f"轮播间隔应为 0 或 {EVERY_RANGE[0]}–{EVERY_RANGE[1]} 秒")
    params = {"every": str(every)}
    if play:
        params["play"] = ",".join(region_prefix(c) for c in play)
    return Grant(
        page=DISPLAY_PAGE, region=region, params=params, kind="display", **_fresh(principal, days, now)
    )


def _fresh(principal: Principal, days: int, now: float) -> dict[str, Any]:
    """What every new grant starts with: a fresh id, who made it, and its expiry ``days`` from now."""
    return {"id": secrets.token_hex(6), "created_by": principal.user, "expires": int(now + days * 86400)}


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
    if grant.kind != "view":  # a view link's payload stays as it was before display tokens
        payload["k"] = grant.kind
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
        raise ShareError("revoked", grant.id)
    if grant.expires <= now:
        raise ShareError("expired", grant.id)
    return grant


def _grant(payload: object) -> Grant | None:
    """A signed payload is trusted data, still type-checked (an old format must not crash)."""
    if not isinstance(payload, dict):
        return None
    gid, page, region, exp, by = (payload.get(k) for k in ("i", "p", "r", "e", "b"))
    stops, params, kind = payload.get("s", []), payload.get("q", {}), payload.get("k", "view")
    if not (isinstance(gid, str) and re.fullmatch(r"[0-9a-f]{12}", gid)):
        return None
    if kind not in KINDS or (kind == "display" and (page != DISPLAY_PAGE or stops)):
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
        id=gid,
        page=page,
        region=str(region),
        expires=exp,
        created_by=by,
        stops=tuple(stops),
        params=params,
        kind=kind,
    )
