"""Who is looking, and which part of the data they may see.

Pure: no Streamlit. A ``Principal`` is fixed for a session once it signed in (or opened a
share link). Its scope is a region code: province staff and admins hold the province,
city or county staff hold their region. A shared visit route holds only its stops.
Every data query of the app is checked against it in ``xingtu.session.access``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from xingtu.domain.hierarchy import region_level, region_prefix

Role = Literal["admin", "province", "city", "county", "demo", "share"]
ROLES: tuple[Role, ...] = ("admin", "province", "city", "county", "demo", "share")
ACCOUNT_ROLES: tuple[Role, ...] = ("admin", "province", "city", "county")
# The region level each account role must be given (admins and province staff hold the province).
ROLE_LEVEL: dict[str, str] = {"admin": "province", "province": "province", "city": "city", "county": "county"}
READ_PAGES: tuple[str, ...] = ("overview", "trends", "unit", "weak", "status", "visit", "screen")


class AccessDenied(PermissionError):
    """A request outside the principal's scope or role (the page shows a message, never data)."""


@dataclass(frozen=True)
class Principal:
    """A signed-in account, the demo session or the holder of a share link."""

    user: str  # account name; "demo"; "share:<id>" for a link
    name: str  # shown in the sidebar
    role: Role
    region: str  # 12-digit scope root
    units: frozenset[str] | None = None  # a shared route: only these units, no region queries
    pages: tuple[str, ...] = READ_PAGES  # the pages this session may open
    expires: float | None = None  # epoch seconds (share links)
    share_id: str | None = None
    source: str = "password"  # password, oidc, demo, share
    token: str | None = field(default=None, repr=False)  # the share link's token, kept in the URL

    def __post_init__(self) -> None:
        region_level(self.region)  # validates the code
        if self.role not in ROLES:
            raise ValueError(f"未知角色 {self.role!r}")

    @property
    def can_import(self) -> bool:
        """Only admins import data or put another version in force."""
        return self.role == "admin"

    @property
    def can_share(self) -> bool:
        """Accounts (and the demo) create share links of their own scope or less; link holders do not."""
        return self.role != "share"

    @property
    def read_only(self) -> bool:
        return not self.can_import

    @property
    def prefix(self) -> str:
        return region_prefix(self.region)

    def sees_region(self, code: str) -> bool:
        """Whether data aggregated over region ``code`` lies wholly inside the scope."""
        if self.units is not None or not _is_code(code):
            return False
        return code.startswith(self.prefix)

    def sees_name_of(self, code: str) -> bool:
        """Whether the region's name may be shown: inside the scope, or one of its ancestors."""
        if not _is_code(code):
            return False
        return self.sees_region(code) or self.region.startswith(region_prefix(code))

    def sees_unit(self, code: str) -> bool:
        """Whether one unit's rows may be read."""
        if not _is_code(code):
            return False
        if self.units is not None:
            return code in self.units
        return code.startswith(self.prefix)

    def check_region(self, code: str) -> None:
        if not self.sees_region(code):
            raise AccessDenied(f"区域 {code!r} 不在 {self.user} 的权限范围内")

    def check_units(self, codes: tuple[str, ...] | list[str]) -> None:
        for code in codes:
            if not self.sees_unit(code):
                raise AccessDenied(f"单位 {code!r} 不在 {self.user} 的权限范围内")

    def check_import(self) -> None:
        if not self.can_import:
            raise AccessDenied(f"{self.user} 不是管理员，不能导入或回滚数据")


def _is_code(code: object) -> bool:
    return isinstance(code, str) and len(code) == 12 and code.isascii() and code.isdigit()


def demo_principal(province: str) -> Principal:
    """The session of a run without any account configured: everything, read-only, labelled."""
    return Principal(user="demo", name="演示", role="demo", region=province, source="demo")


@dataclass(frozen=True)
class Account:
    """One configured account (from the users file or an OIDC mapping)."""

    user: str
    name: str
    role: Role
    region: str
    password_hash: str = field(default="", repr=False)
    disabled: bool = False  # ``disabled = true`` in the users file: kept, but cannot sign in

    def principal(self, source: str = "password") -> Principal:
        return Principal(user=self.user, name=self.name, role=self.role, region=self.region, source=source)
