"""python -m xingtu.auth: accounts written as hashes, checked before saving; revoke and audit."""

from __future__ import annotations

import io
import sys

import pytest

from xingtu.auth import audit
from xingtu.auth.__main__ import main
from xingtu.auth.users import load_accounts, verify_password


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("XINGTU_USERS_FILE", str(tmp_path / "users.toml"))
    monkeypatch.setenv("XINGTU_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    return tmp_path


def _run(args: list[str], capsys, stdin: str = "") -> tuple[int, str]:
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(args)
    finally:
        sys.stdin = sys.__stdin__
    return code, capsys.readouterr().out


def test_add_list_and_remove_an_account(env, capsys):
    code, out = _run(
        ["add-user", "zhang", "--role", "county", "--region", "411102", "--name", "张三", "--password-stdin"],
        capsys,
        "long-enough-pw\n",
    )
    assert code == 0 and "已保存 zhang" in out
    text = (env / "users.toml").read_text(encoding="utf-8")
    assert "long-enough-pw" not in text and "$argon2id$" in text
    accounts = load_accounts(env / "users.toml", "41")
    assert verify_password(accounts, "zhang", "long-enough-pw").region == "411102000000"
    assert _run(["users"], capsys)[1].strip() == "zhang\tcounty\t411102000000\t张三"
    assert _run(["add-oidc", "Li@Example.org", "--role", "city", "--region", "4111"], capsys)[0] == 0
    assert "li@example.org" in load_accounts(env / "users.toml", "41").oidc
    assert _run(["remove-user", "zhang"], capsys)[0] == 0
    assert "zhang" not in load_accounts(env / "users.toml", "41").users


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (
            ["add-user", "x", "--role", "county", "--region", "4111", "--password-stdin"],
            "long-enough-pw\n",
            "县级代码",
        ),
        (
            ["add-user", "x", "--role", "city", "--region", "abc", "--password-stdin"],
            "long-enough-pw\n",
            "--region",
        ),
        (["add-user", "x", "--role", "admin", "--password-stdin"], "short\n", "至少"),
        (["remove-user", "nobody"], "", "没有账号"),
        (["revoke", "0123456789ab"], "", "没有编号"),
    ],
)
def test_refusals_say_why_and_write_nothing(env, capsys, args, stdin, says):
    code, out = _run(args, capsys, stdin)
    assert code == 2 and says in out
    assert not (env / "users.toml").exists()


def test_revoke_and_audit_tail(env, capsys):
    audit.record(env / "audit.jsonl", "share_created", "zhang", "county", "411102000000", id="0123456789ab")
    assert _run(["revoke", "0123456789ab"], capsys)[0] == 0
    assert audit.revoked_ids(audit.read_events(env / "audit.jsonl")) == {"0123456789ab"}
    out = _run(["audit", "--tail", "1"], capsys)[1]
    assert "share_revoked" in out and "share_created" not in out
    assert len(_run(["new-secret"], capsys)[1].strip()) >= 32
