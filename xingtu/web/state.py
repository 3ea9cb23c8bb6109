"""Sign-in sessions shared by every server process: SQLite ``<store_dir>/web.sqlite`` (WAL).

A session is created by the sign-in route and named by a random id that the browser holds
in a signed, HttpOnly cookie. It is valid while it has not been ended (sign-out), has not
been idle longer than ``XINGTU_SESSION_IDLE_MINUTES`` (default 120), is younger than
``XINGTU_SESSION_MAX_HOURS`` (default 12), and its account is still in the users file,
not disabled and unchanged (same role, region, password hash and disabled flag: the
fingerprint kept at sign-in). Everything that serves data asks ``active_session`` at
each request; nothing is cached in a process, so a change on disk holds everywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from xingtu.auth.principal import Account
from xingtu.auth.users import Accounts, UsersFileError, load_accounts
from xingtu.settings import get_settings

IDLE_MINUTES = 120.0  # default idle timeout
MAX_HOURS = 12.0  # default absolute lifetime
TOUCH_EVERY = 30.0  # seconds: last_seen is written at most this often (fewer writes)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created REAL NOT NULL,
    last_seen REAL NOT NULL,
    ended REAL,
    address TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS failures (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    first REAL NOT NULL,
    last REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Session:
    id: str
    user: str
    fingerprint: str
    created: float
    last_seen: float
    ended: float | None = None


def _minutes_setting(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} 应为正数，当前为 {raw!r} / {name} must be a positive number") from None
    if not value > 0:
        raise ValueError(f"{name} 应为正数，当前为 {raw!r} / {name} must be a positive number")
    return value


def idle_seconds() -> float:
    """XINGTU_SESSION_IDLE_MINUTES (default 120) in seconds."""
    return _minutes_setting("XINGTU_SESSION_IDLE_MINUTES", IDLE_MINUTES) * 60


def max_seconds() -> float:
    """XINGTU_SESSION_MAX_HOURS (default 12) in seconds: the cookie's Max-Age too."""
    return _minutes_setting("XINGTU_SESSION_MAX_HOURS", MAX_HOURS) * 3600


def db_path() -> Path:
    return get_settings().store_dir / "web.sqlite"


_ready: set[str] = set()
_ready_lock = threading.Lock()


@contextmanager
def connect() -> Iterator[sqlite3.Connection]:
    """A new connection for one unit of work (requests run in many threads), closed after it.

    Autocommit: each statement is its own transaction unless ``BEGIN IMMEDIATE`` is issued.
    """
    path = db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.execute("PRAGMA busy_timeout = 30000")
    key = str(path)
    if key not in _ready:
        with _ready_lock:
            con.execute("PRAGMA journal_mode = WAL")
            con.executescript(_SCHEMA)
            _ready.add(key)
    try:
        yield con
    finally:
        con.close()


def fingerprint(account: Account) -> str:
    """What a session is bound to: a change of any of these signs the account out."""
    doc = json.dumps([account.user, account.role, account.region, account.password_hash, account.disabled])
    return hashlib.sha256(doc.encode()).hexdigest()


_accounts_cache: dict[str, tuple[int, Accounts]] = {}


def current_accounts() -> Accounts:
    """The users file as it is now (read again whenever its mtime changes)."""
    settings = get_settings()
    path = settings.users_path
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = -1
    cached = _accounts_cache.get(str(path))
    if cached is not None and cached[0] == mtime:
        return cached[1]
    accounts = load_accounts(path, settings.province)
    _accounts_cache[str(path)] = (mtime, accounts)
    return accounts


def create_session(account: Account, now: float, address: str = "") -> Session:
    session = Session(secrets.token_urlsafe(32), account.user, fingerprint(account), now, now)
    with connect() as con:
        con.execute(
            "INSERT INTO sessions (id, user, fingerprint, created, last_seen, address)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (session.id, session.user, session.fingerprint, now, now, address[:100]),
        )
        con.execute("DELETE FROM sessions WHERE created < ?", (now - 2 * max_seconds(),))  # long gone
    return session


def _row(con: sqlite3.Connection, sid: str) -> Session | None:
    row = con.execute(
        "SELECT id, user, fingerprint, created, last_seen, ended FROM sessions WHERE id = ?", (sid,)
    ).fetchone()
    return Session(*row) if row else None


def session_status(sid: str, now: float) -> tuple[Session | None, str]:
    """The session if valid now, else None and why: unknown, ended, idle, expired, account."""
    if not sid or len(sid) > 100:
        return None, "unknown"
    with connect() as con:
        session = _row(con, sid)
    if session is None:
        return None, "unknown"
    if session.ended is not None:
        return None, "ended"
    if now - session.created >= max_seconds():
        return None, "expired"
    if now - session.last_seen >= idle_seconds():
        return None, "idle"
    try:
        account = current_accounts().users.get(session.user)
    except UsersFileError:
        return None, "account"  # a broken users file signs nobody in
    if account is None or account.disabled or fingerprint(account) != session.fingerprint:
        return None, "account"
    return session, "ok"


def active_session(sid: str, now: float) -> Session | None:
    """The session named ``sid`` if it is valid at ``now`` (epoch seconds), else None.

    Valid: not ended, not idle too long, not older than the absolute lifetime, and its account
    still in the users file, not disabled and with the fingerprint it signed in with.
    """
    return session_status(sid, now)[0]


def touch(sid: str, now: float) -> None:
    """Note activity (each app run): the idle timeout counts from here."""
    with connect() as con:
        con.execute(
            "UPDATE sessions SET last_seen = ? WHERE id = ? AND ended IS NULL AND last_seen < ?",
            (now, sid, now - TOUCH_EVERY),
        )


def end_session(sid: str, now: float) -> bool:
    """Sign out: the session is refused everywhere from now on. True if it was still open."""
    with connect() as con:
        cur = con.execute("UPDATE sessions SET ended = ? WHERE id = ? AND ended IS NULL", (now, sid))
        return cur.rowcount > 0
