"""The server's signing key for session cookies and file tokens.

``XINGTU_SESSION_SECRET`` (at least 32 characters) when set; otherwise a random key made once
and kept in ``<store_dir>/session.key`` (mode 0600), so that every server process on the
machine signs and checks with the same key and a restart does not sign everyone out.
"""

from __future__ import annotations

import os
import secrets
from functools import cache
from pathlib import Path

from xingtu.settings import get_settings

MIN_SECRET = 32


def _key_file() -> Path:
    return get_settings().store_dir / "session.key"


@cache
def _cached(env: str | None, path: str) -> bytes:
    if env is not None:
        return env.encode()
    file = Path(path)
    try:
        return file.read_bytes().strip()
    except FileNotFoundError:
        pass
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(secrets.token_urlsafe(48).encode())
    try:
        os.link(tmp, file)  # atomic and exclusive: a reader never sees half a key
    except FileExistsError:  # another process made it first: use theirs
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return file.read_bytes().strip()


def server_key() -> bytes:
    """The key (bytes); made and stored on first use when none is configured."""
    env = os.environ.get("XINGTU_SESSION_SECRET", "").strip()
    if env and len(env) < MIN_SECRET:
        raise ValueError(
            f"XINGTU_SESSION_SECRET 至少 {MIN_SECRET} 个字符 / must be at least {MIN_SECRET} characters"
        )
    return _cached(env or None, str(_key_file()))
