"""Accounts, share links and the audit log from a terminal.

    python -m xingtu.auth add-user zhangsan --role county --region 411102 --name 张三
    python -m xingtu.auth add-oidc li@example.org --role city --region 4111 --name 李四
    python -m xingtu.auth remove-user zhangsan
    python -m xingtu.auth users
    python -m xingtu.auth audit --tail 50
    python -m xingtu.auth revoke 0123456789ab
    python -m xingtu.auth new-secret              # a key for XINGTU_SHARE_SECRET

The password is asked twice without echo (or read from standard input with
--password-stdin) and only its argon2id hash is written. The users file is
XINGTU_USERS_FILE, default <store dir>/users.toml. Exit status: 0 done, 2 refused.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import secrets
import sys
from pathlib import Path

from xingtu.atomic import write_text_atomic
from xingtu.auth import audit
from xingtu.auth.principal import ACCOUNT_ROLES, Account
from xingtu.auth.users import (
    Accounts,
    UsersFileError,
    format_accounts,
    hash_password,
    load_accounts,
    normalise_region,
    parse_accounts,
)
from xingtu.settings import get_settings


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输一遍：") != first:
        raise ValueError("两次输入的密码不一致")
    return first


def _save(path: Path, accounts: Accounts, province: str) -> None:
    """Write the whole file atomically, after checking it reads back as the same accounts."""
    text = format_accounts(accounts)
    if parse_accounts(text, province) != accounts:
        raise UsersFileError("写出的用户文件与内容不一致，未保存")
    write_text_atomic(path, text, mode=0o600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xingtu.auth", description="星图账号、分享链接与审计日志")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("add-user", "add-oidc"):
        p = sub.add_parser(name, help="新增或修改账号" if name == "add-user" else "授权统一身份认证的邮箱")
        p.add_argument("user")
        p.add_argument("--role", choices=ACCOUNT_ROLES, required=True)
        p.add_argument("--region", default="", help="区划代码：市 4 位、县 6 位（省级与管理员可省略）")
        p.add_argument("--name", default="", help="显示名")
        if name == "add-user":
            p.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码")
    sub.add_parser("remove-user", help="删除账号或邮箱").add_argument("user")
    sub.add_parser("users", help="列出账号")
    sub.add_parser("audit", help="最近的审计记录").add_argument("--tail", type=int, default=50)
    sub.add_parser("revoke", help="撤销分享链接").add_argument("id")
    sub.add_parser("new-secret", help="生成分享链接签名密钥")
    args = parser.parse_args(argv)

    settings = get_settings()
    path = settings.users_path
    try:
        accounts = load_accounts(path, settings.province)
        if args.command in ("add-user", "add-oidc"):
            region = normalise_region(args.region or settings.province)
            if region is None:
                raise ValueError(f"--region 应为区划代码，当前为 {args.region!r}")
            account = Account(args.user, args.name or args.user, args.role, region)
            if args.command == "add-user":
                account = dataclasses.replace(
                    account, password_hash=hash_password(_password(args.password_stdin))
                )
                accounts = dataclasses.replace(accounts, users={**accounts.users, args.user: account})
            else:
                key = args.user.strip().lower()
                account = dataclasses.replace(account, user=key)
                accounts = dataclasses.replace(accounts, oidc={**accounts.oidc, key: account})
            _save(path, accounts, settings.province)  # parse_accounts checks role and region here
            _out(f"已保存 {args.user}（{args.role}，{region}）到 {path}")
        elif args.command == "remove-user":
            if args.user not in accounts.users and args.user.lower() not in accounts.oidc:
                raise ValueError(f"没有账号 {args.user}")
            users = {k: v for k, v in accounts.users.items() if k != args.user}
            oidc = {k: v for k, v in accounts.oidc.items() if k != args.user.lower()}
            _save(path, Accounts(users=users, oidc=oidc), settings.province)
            _out(f"已删除 {args.user}；其已登录的会话在下一次操作时结束")
        elif args.command == "users":
            for acc in [*accounts.users.values(), *accounts.oidc.values()]:
                _out(f"{acc.user}\t{acc.role}\t{acc.region}\t{acc.name}")
        elif args.command == "audit":
            events = list(audit.read_events(settings.audit_path))[-max(1, args.tail) :]
            for e in events:
                detail = " ".join(f"{k}={v}" for k, v in e.detail.items())
                _out(f"{e.at}  {e.event:<14} {e.user:<16} {e.role:<9} {e.scope}  {detail}")
        elif args.command == "revoke":
            known = {s["id"] for s in audit.shares(list(audit.read_events(settings.audit_path)))}
            if args.id not in known:
                raise ValueError(f"审计日志中没有编号为 {args.id} 的分享链接")
            audit.record(settings.audit_path, "share_revoked", getpass.getuser(), "cli", "", id=args.id)
            _out(f"已撤销 {args.id}")
        elif args.command == "new-secret":
            _out(secrets.token_urlsafe(48))
    except (UsersFileError, ValueError, OSError) as err:
        _out(f"错误：{err}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
