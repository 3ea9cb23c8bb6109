"""Accounts, scopes, signed share links and the audit log: pure tables, no Streamlit."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from xingtu.auth import audit, share
from xingtu.auth.principal import AccessDenied, Account, Principal, demo_principal
from xingtu.auth.users import (
    Accounts,
    UsersFileError,
    format_accounts,
    hash_password,
    parse_accounts,
    verify_password,
)

SECRET = "k" * 40
COUNTY = Principal(user="yuanhui", name="源汇", role="county", region="411102000000")
CITY = Principal(user="luohe", name="漯河", role="city", region="411100000000")
ROUTE = share.Grant(
    id="0123456789ab",
    page="visit",
    region="411102000000",
    expires=2_000_000_000,
    created_by="yuanhui",
    stops=("411102001001", "411102001002"),
).principal()


@pytest.mark.parametrize(
    ("who", "code", "region", "name", "unit"),
    [
        (COUNTY, "411102000000", True, True, True),
        (COUNTY, "411102001000", True, True, True),  # a township of its own
        (COUNTY, "411102001001", True, True, True),  # a unit of its own
        (COUNTY, "411103000000", False, False, False),  # the neighbour county
        (COUNTY, "411103001001", False, False, False),
        (COUNTY, "411100000000", False, True, False),  # its city: a name, not data
        (COUNTY, "410000000000", False, True, False),  # the province: a name, not data
        (COUNTY, "411200000000", False, False, False),
        (CITY, "411103001001", True, True, True),
        (CITY, "411200000000", False, False, False),
        (ROUTE, "411102001001", False, False, True),  # a route: its stops, no region at all
        (ROUTE, "411102001003", False, False, False),
        (ROUTE, "411102000000", False, True, False),
        (COUNTY, "41110200100", False, False, False),  # 11 digits
        (COUNTY, "4111020010010", False, False, False),
        (COUNTY, "４１１１０２００１００１", False, False, False),  # full-width digits are not a code
        (COUNTY, "41110200100x", False, False, False),
    ],
)
def test_scope_rules(who, code, region, name, unit):
    assert who.sees_region(code) is region
    assert who.sees_name_of(code) is name
    assert who.sees_unit(code) is unit


def test_checks_raise_access_denied():
    with pytest.raises(AccessDenied):
        COUNTY.check_region("411103000000")
    with pytest.raises(AccessDenied):
        COUNTY.check_units(("411102001001", "411103001001"))
    with pytest.raises(AccessDenied):
        COUNTY.check_import()
    COUNTY.check_units(("411102001001",))
    Principal(user="a", name="a", role="admin", region="410000000000").check_import()


@pytest.mark.parametrize(
    ("role", "can_import", "can_share"),
    [("admin", True, True), ("province", False, True), ("county", False, True), ("demo", False, True)],
)
def test_roles(role, can_import, can_share):
    who = Principal(user="x", name="x", role=role, region="410000000000")
    assert (who.can_import, who.can_share, who.read_only) == (can_import, can_share, not can_import)
    assert not ROUTE.can_share and ROUTE.read_only


def test_demo_is_read_only_province_wide():
    demo = demo_principal("410000000000")
    assert demo.read_only and demo.sees_region("411103000000") and not demo.can_import


# --- the users file ---------------------------------------------------------------------------

# fixed (not hashed at import): parallel test workers must collect identical test ids
GOOD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$su+oo1BGRXWsaZhl/3pVVw$zVGcBxHidaRVOVwxFtFSlQ9aYheeEw8CCQpsS16xMzo"  # argon2id of "a-good-password"


def _file(entry: str) -> str:
    return f"[users.zhang]\n{entry}\n"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[users.zhang\n", "不是有效的 TOML"),
        (_file(f'role = "boss"\nregion = "411102"\npassword = "{GOOD_HASH}"'), "role 应为"),
        (
            _file(f'role = "county"\nregion = "4111"\npassword = "{GOOD_HASH}"'),
            "应为县级代码，当前为市级代码",
        ),
        (_file(f'role = "county"\nregion = "421102"\npassword = "{GOOD_HASH}"'), "本省（41）"),
        (_file(f'role = "county"\nregion = "41110x"\npassword = "{GOOD_HASH}"'), "region 应为"),
        (_file('role = "county"\nregion = "411102"\npassword = "plain-text"'), "不能写明文"),
        (_file('role = "county"\nregion = "411102"'), "password 应为 argon2"),
        (f'[users."zhang san"]\nrole = "admin"\npassword = "{GOOD_HASH}"\n', "账号名"),
        ("[users]\nzhang = 1\n", "应为一张表"),
        ('[oidc.users."a@b.cn"]\nrole = "city"\nregion = "41"\n', '[oidc.users."a@b.cn"]'),
    ],
)
def test_a_broken_users_file_names_the_account_and_field(text, says):
    with pytest.raises(UsersFileError, match=None) as err:
        parse_accounts(text, "41")
    assert says in str(err.value)


def test_users_file_round_trip_and_password_check():
    accounts = Accounts(
        users={
            "zhang": Account("zhang", '张三 "老张"', "county", "411102000000", hash_password("pass-word-1")),
            "admin": Account("admin", "管理员", "admin", "410000000000", hash_password("pass-word-2")),
        },
        oidc={"li@example.org": Account("li@example.org", "李四", "city", "411100000000")},
    )
    again = parse_accounts(format_accounts(accounts), "41")
    assert again == accounts
    assert "pass-word-1" not in format_accounts(accounts)
    assert verify_password(again, "zhang", "pass-word-1") == accounts.users["zhang"]
    assert verify_password(again, "zhang", "pass-word-2") is None
    assert verify_password(again, "nobody", "pass-word-1") is None
    assert again.users["admin"].principal().can_import


def test_hashes_are_salted():
    assert hash_password("same-password") != hash_password("same-password")
    with pytest.raises(ValueError, match="至少"):
        hash_password("short")


# --- share links -------------------------------------------------------------------------------


def _grant(**kw) -> share.Grant:
    args = {"page": "overview", "region": "411102000000", "days": 7, "now": 1_000_000.0} | kw
    return share.new_grant(COUNTY, **args)


def test_a_link_round_trips_and_carries_scope_view_and_expiry():
    grant = _grant(params={"y": "2024", "m": "share_ge4"})
    token = share.sign(grant, SECRET)
    back = share.read(token, SECRET, now=1_000_001.0)
    assert back == grant and back.expires == 1_000_000 + 7 * 86400
    who = back.principal()
    assert who.role == "share" and who.read_only and not who.can_share
    assert who.sees_region("411102001000") and not who.sees_region("411103000000")


ADMIN = Principal(user="admin", name="管理员", role="admin", region="410000000000")


def test_a_display_token_opens_the_big_screen_of_its_region_only():
    grant = share.new_display(ADMIN, "411100000000", 90, 1_000_000.0, play=("411102000000",), every=20)
    assert grant.kind == "display" and grant.page == "screen"
    assert grant.params == {"every": "20", "play": "411102"} and grant.expires == 1_000_000 + 90 * 86400
    back = share.read(share.sign(grant, SECRET), SECRET, now=1_000_001.0)
    assert back == grant
    who = back.principal()
    assert who.pages == ("screen",) and who.read_only and not who.can_share
    assert who.sees_region("411103000000") and not who.sees_region("411200000000")
    with pytest.raises(share.ShareError) as revoked:
        share.read(share.sign(grant, SECRET), SECRET, now=1_000_001.0, revoked=frozenset({grant.id}))
    assert revoked.value.problem == "revoked" and revoked.value.grant_id == grant.id


@pytest.mark.parametrize(
    ("who", "region", "days", "play", "every", "error"),
    [
        (COUNTY, "411102000000", 30, (), 30, PermissionError),  # only an admin makes one
        (ADMIN, "411100000000", 7, (), 30, ValueError),  # 30, 90 or 365 days
        (ADMIN, "411100000000", 30, ("411200000000",), 30, ValueError),  # a playlist outside the scope
        (ADMIN, "411100000000", 30, ("4111",), 30, ValueError),  # not a code
        (ADMIN, "411100000000", 30, (), 2, ValueError),  # under 5 s a view
        (ADMIN, "411100000000", 30, tuple(f"4111{i:02d}000000" for i in range(41)), 30, ValueError),
    ],
)
def test_a_display_token_is_refused_when_it_would_be_wrong(who, region, days, play, every, error):
    with pytest.raises(error):
        share.new_display(who, region, days, 1_000_000.0, play=play, every=every)


def test_a_view_link_cannot_be_turned_into_a_display_token_or_back():
    view = _grant()
    display = share.new_display(ADMIN, "411102000000", 30, 1_000_000.0)
    serializer = __import__("itsdangerous").URLSafeSerializer(SECRET, salt=share._SALT)
    payload = serializer.loads(share.sign(view, SECRET))
    for forged in ({**payload, "k": "display"}, {**payload, "k": "admin"}):  # the wrong page, a bad kind
        with pytest.raises(share.ShareError):
            share.read(serializer.dumps(forged), SECRET, now=1_000_001.0)
    with_stops = {**serializer.loads(share.sign(display, SECRET)), "s": ["411102001001"]}
    with pytest.raises(share.ShareError):
        share.read(serializer.dumps(with_stops), SECRET, now=1_000_001.0)
    assert "k" not in payload  # links made before display tokens read as before


def test_a_link_never_widens_its_makers_scope():
    with pytest.raises(AccessDenied):
        _grant(region="411103000000")
    with pytest.raises(AccessDenied):
        _grant(page="visit", stops=("411102001001", "411103001001"))
    with pytest.raises(PermissionError):
        share.new_grant(ROUTE, "visit", "411102000000", 7, 0.0)
    with pytest.raises(ValueError):
        _grant(days=365)
    with pytest.raises(ValueError):
        _grant(page="import")


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _flip(token: str, i: int) -> str:
    """The token with character ``i`` changed so that its decoded bits change too.

    The last character of a base64 run carries unused low bits (A and B decode alike there):
    flipping the sextet's top bit always changes the data.
    """
    c = token[i]
    other = _B64[_B64.index(c) ^ 0b100000] if c in _B64 else "A"
    return token[:i] + other + token[i + 1 :]


def test_every_single_character_change_is_rejected():
    token = share.sign(_grant(page="visit", stops=("411102001001",)), SECRET)
    for i in range(len(token)):
        with pytest.raises(share.ShareError) as err:
            share.read(_flip(token, i), SECRET, now=1_000_001.0)
        assert err.value.problem == "bad"


@pytest.mark.parametrize(
    ("token", "secret", "now", "revoked", "problem"),
    [
        ("valid", SECRET, 1_000_000.0 + 7 * 86400, frozenset(), "expired"),
        ("valid", SECRET, 1_000_001.0, "own-id", "revoked"),
        ("valid", "z" * 40, 1_000_001.0, frozenset(), "bad"),  # signed with another key
        ("valid", None, 1_000_001.0, frozenset(), "off"),
        ("valid", "short", 1_000_001.0, frozenset(), "off"),
        ("", SECRET, 1_000_001.0, frozenset(), "bad"),
        ("x" * 5000, SECRET, 1_000_001.0, frozenset(), "bad"),
        ("链接", SECRET, 1_000_001.0, frozenset(), "bad"),
        ("eyJ4IjoxfQ.abc", SECRET, 1_000_001.0, frozenset(), "bad"),
    ],
)
def test_refused_links_say_why(token, secret, now, revoked, problem):
    grant = _grant()
    if token == "valid":
        token = share.sign(grant, SECRET)
    if revoked == "own-id":
        revoked = frozenset({grant.id})
    with pytest.raises(share.ShareError) as err:
        share.read(token, secret, now, revoked)
    assert err.value.problem == problem


def test_a_signed_payload_of_the_wrong_shape_is_refused_not_crashed():
    from itsdangerous import URLSafeSerializer

    signer = URLSafeSerializer(SECRET, salt="xingtu.share.v1")
    good = {
        "i": "0123456789ab",
        "p": "overview",
        "r": "411102000000",
        "e": 2_000_000_000,
        "b": "x",
        "s": [],
        "q": {},
    }
    for bad in (
        [],
        {**good, "i": "<script>"},
        {**good, "p": "import"},
        {**good, "r": "4111"},
        {**good, "e": "soon"},
        {**good, "s": ["4111"]},
        {**good, "q": {"R": "x"}},
        {**good, "q": {"y": 2024}},
    ):
        with pytest.raises(share.ShareError):
            share.read(signer.dumps(bad), SECRET, now=0.0)
    assert share.read(signer.dumps(good), SECRET, now=0.0).region == "411102000000"


# --- the audit log ------------------------------------------------------------------------------


def test_audit_lines_are_whole_under_concurrent_writers(tmp_path: Path):
    path = tmp_path / "audit.jsonl"

    def write(n: int) -> None:
        for i in range(50):
            audit.record(path, "login", f"user{n}", "county", "411102000000", attempt=i, note="x" * 2000)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 300
    events = list(audit.read_events(path))
    assert len(events) == 300 and all(len(e.detail["note"]) == audit.MAX_FIELD for e in events)
    assert {e.user for e in events} == {f"user{n}" for n in range(6)}


def test_shares_and_revocations_come_from_the_log(tmp_path: Path):
    path = tmp_path / "audit.jsonl"
    for gid in ("aaaaaaaaaaaa", "bbbbbbbbbbbb"):
        audit.record(
            path, "share_created", "yuanhui", "county", "411102000000", id=gid, page="overview", expires=5
        )
    audit.record(path, "share_revoked", "admin", "admin", "410000000000", id="aaaaaaaaaaaa")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"truncated": \n')  # a torn line is skipped, not fatal
    events = list(audit.read_events(path))
    assert audit.revoked_ids(events) == {"aaaaaaaaaaaa"}
    shares = audit.shares(events)
    assert [(s["id"], s["revoked"]) for s in shares] == [("bbbbbbbbbbbb", False), ("aaaaaaaaaaaa", True)]
    with pytest.raises(ValueError):
        audit.record(path, "unknown", "x", "", "")
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["event"] == "share_created"
