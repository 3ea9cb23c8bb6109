"""Accounts from a TOML file, with argon2id password hashes (argon2-cffi).

The file holds no secrets a reader could use: only salted hashes. It is written by the
command line (``python -m xingtu.auth add-user``) and read once per change of its mtime.
Every problem in it is reported in Chinese with the account and field, and no account
of a broken file is used (a half-read file could widen someone's scope).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from xingtu.auth.principal import ACCOUNT_ROLES, ROLE_LEVEL, Account
from xingtu.domain.hierarchy import region_level

_HASHER = PasswordHasher()  # argon2id, a random 16-byte salt per hash, library defaults
_USER_RE = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
MIN_PASSWORD = 8
# A hash to verify against when the account does not exist, so both cases take as long.
_DUMMY_HASH = _HASHER.hash("xingtu-no-such-account")


class UsersFileError(ValueError):
    """The users file cannot be used; the message names the account and field."""


@dataclass(frozen=True)
class Accounts:
    """The configured accounts and OIDC mappings (e-mail → account)."""

    users: dict[str, Account] = field(default_factory=dict)
    oidc: dict[str, Account] = field(default_factory=dict)

    @property
    def configured(self) -> bool:
        return bool(self.users or self.oidc)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"密码至少 {MIN_PASSWORD} 个字符")
    return _HASHER.hash(password)


def verify_password(accounts: Accounts, user: str, password: str) -> Account | None:
    """The account if the password matches, else None (unknown users cost the same time)."""
    account = accounts.users.get(user)
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return account


def normalise_region(value: object) -> str | None:
    """A region written as its 2/4/6/9-digit prefix or 12 digits, as 12 digits."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}", text):
        return None
    return text.ljust(12, "0")


def _account(where: str, user: str, entry: object, province: str, need_password: bool) -> Account:
    if not isinstance(entry, dict):
        raise UsersFileError(
            f"{where}：应为一张表（name、role、region{'、password' if need_password else ''}）"
        )
    role = entry.get("role")
    if role not in ACCOUNT_ROLES:
        raise UsersFileError(f"{where}：role 应为 {'、'.join(ACCOUNT_ROLES)} 之一，当前为 {role!r}")
    region = normalise_region(entry.get("region", province if ROLE_LEVEL[role] == "province" else ""))
    if region is None or not region.startswith(province):
        written = entry.get("region")
        raise UsersFileError(
            f"{where}：region 应为本省（{province}）的区划代码，如 4111 或 411102，当前为 {written!r}"
        )
    level = region_level(region)
    if level != ROLE_LEVEL[role]:
        want, got = _LEVEL_NAMES[ROLE_LEVEL[role]], _LEVEL_NAMES[level]
        raise UsersFileError(f"{where}：角色 {role} 的 region 应为{want}代码，当前为{got}代码 {region}")
    name = str(entry.get("name", user)).strip() or user
    password_hash = ""
    if need_password:
        password_hash = str(entry.get("password", ""))
        if not password_hash.startswith("$argon2"):
            raise UsersFileError(
                f"{where}：password 应为 argon2 哈希（用 python -m xingtu.auth add-user 生成），不能写明文"
            )
    disabled = entry.get("disabled", False)
    if not isinstance(disabled, bool):
        raise UsersFileError(f"{where}：disabled 应为 true 或 false，当前为 {disabled!r}")
    return Account(
        user=user, name=name, role=role, region=region, password_hash=password_hash, disabled=disabled
    )


_LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇级"}


def parse_accounts(text: str, province: str) -> Accounts:
    """Accounts from the file's text; raises UsersFileError on the first problem."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsersFileError(f"用户文件不是有效的 TOML：{err}") from err
    users: dict[str, Account] = {}
    for user, entry in (doc.get("users") or {}).items():
        if not _USER_RE.fullmatch(user):
            raise UsersFileError(f"账号名 {user!r} 只能用字母、数字和 _ . @ -，最长 64 个字符")
        users[user] = _account(f"[users.{user}]", user, entry, province, need_password=True)
    oidc: dict[str, Account] = {}
    for email, entry in ((doc.get("oidc") or {}).get("users") or {}).items():
        key = email.strip().lower()
        oidc[key] = _account(f'[oidc.users."{email}"]', key, entry, province, need_password=False)
    return Accounts(users=users, oidc=oidc)


def load_accounts(path: Path, province: str) -> Accounts:
    """The accounts of ``path``; no file means no accounts (the demo session)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Accounts()
    except (OSError, UnicodeDecodeError) as err:
        raise UsersFileError(f"无法读取用户文件 {path}：{err}") from err
    return parse_accounts(text, province)


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def format_accounts(accounts: Accounts) -> str:
    """The file's text for ``accounts`` (the command line rewrites the whole file)."""
    lines = [
        "# 星图账号。由 python -m xingtu.auth 维护；password 为 argon2id 加盐哈希，不是明文。",
        "# role: admin（管理员，可导入/回滚）、province（省级）、city（市级）、county（县级）",
        "# disabled = true：停用账号（保留记录，不能登录，已登录的会话在下一次操作时退出）",
        "",
    ]
    for table, group in (("users", accounts.users), ("oidc.users", accounts.oidc)):
        for acc in group.values():
            lines += [
                f"[{table}.{_toml_str(acc.user)}]",
                f"name = {_toml_str(acc.name)}",
                f"role = {_toml_str(acc.role)}",
                f"region = {_toml_str(acc.region)}",
                *([f"password = {_toml_str(acc.password_hash)}"] if table == "users" else []),
                *(["disabled = true"] if acc.disabled else []),
                "",
            ]
    return "\n".join(lines)
