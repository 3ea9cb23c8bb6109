"""The audit log: logins, imports, rollbacks and share links (who, when, what scope).

One JSON object per line, appended under an exclusive lock and fsynced, so lines from
concurrent sessions and processes never interleave and survive a crash. The log is also
the record of share links: a link's id is revoked by a ``share_revoked`` line.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVENTS: tuple[str, ...] = (
    "login",
    "login_failed",
    "logout",
    "import",
    "rollback",
    "activate",
    "share_created",
    "share_revoked",
    "share_opened",
    "share_refused",
    "denied",
)
MAX_FIELD = 500  # characters kept of any one value: a log line stays a line


@dataclass(frozen=True)
class Event:
    at: str  # ISO time with offset
    event: str
    user: str
    role: str
    scope: str
    detail: dict[str, Any]


def _short(value: object) -> object:
    if isinstance(value, str):
        return value[:MAX_FIELD]
    if isinstance(value, list | tuple):
        return [_short(v) for v in list(value)[:100]]
    if isinstance(value, dict):
        return {str(k)[:50]: _short(v) for k, v in list(value.items())[:50]}
    return value


def record(
    path: Path, event: str, user: str, role: str, scope: str, now: dt.datetime | None = None, **detail: object
) -> None:
    """Append one event (creating the log and its folder on first use)."""
    if event not in EVENTS:
        raise ValueError(f"未知审计事件 {event!r}")
    at = (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    line = json.dumps(
        {
            "at": at,
            "event": event,
            "user": _short(user),
            "role": role,
            "scope": scope,
            "detail": _short(detail),
        },
        ensure_ascii=False,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_events(path: Path) -> Iterator[Event]:
    """Every event in order; a damaged line (a disk that filled mid-write) is skipped."""
    if not path.exists():
        return
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                row = json.loads(line)
                yield Event(
                    at=str(row["at"]),
                    event=str(row["event"]),
                    user=str(row["user"]),
                    role=str(row.get("role", "")),
                    scope=str(row.get("scope", "")),
                    detail=dict(row.get("detail") or {}),
                )
            except (ValueError, KeyError, TypeError):
                continue


def revoked_ids(events: Iterator[Event] | list[Event]) -> frozenset[str]:
    return frozenset(str(e.detail.get("id")) for e in events if e.event == "share_revoked")


def shares(events: list[Event]) -> list[dict[str, Any]]:
    """Every link created, newest first, with whether it was revoked."""
    revoked = revoked_ids(events)
    out = [
        {
            "id": str(e.detail.get("id", "")),
            "at": e.at,
            "user": e.user,
            "scope": e.scope,
            "page": str(e.detail.get("page", "")),
            "stops": len(e.detail.get("stops") or []),
            "expires": int(e.detail.get("expires", 0) or 0),
            "revoked": str(e.detail.get("id")) in revoked,
            "region": str(e.detail.get("region") or e.scope),  # what the link opens
            "kind": str(e.detail.get("kind") or "view"),  # display: a meeting-room screen's token
            "params": e.detail["params"] if isinstance(e.detail.get("params"), dict) else {},
        }
        for e in events
        if e.event == "share_created"
    ]
    return out[::-1]
