"""Batch imports from a terminal: check, load, list versions, roll back, write templates.

    python -m xingtu.imports load 源汇区2025.xlsx --user 张三          # kind, year, region from the file
    python -m xingtu.imports load 汇总.xlsx --kind annual --year 2026 --region 411102 --unit-type rural
    python -m xingtu.imports check 位置.csv --kind locations --crs wgs84 --report 问题.xlsx
    python -m xingtu.imports versions
    python -m xingtu.imports rollback            # back to the version before the current one
    python -m xingtu.imports template annual -o 年度评定结果模板.xlsx

Exit status: 0 done, 1 the file was rejected (nothing changed), 2 a usage or version error.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import duckdb

from xingtu.auth import audit
from xingtu.imports.apply import (
    check_standard,
    export_standard,
    import_bytes,
    import_standard,
    query_level_changes,
    query_reference,
)
from xingtu.imports.catalogue import summary_lines
from xingtu.imports.context import Overrides
from xingtu.imports.guard import read_sheets_guarded
from xingtu.imports.limits import check_file_limits
from xingtu.imports.preview import describe
from xingtu.imports.read import FileError
from xingtu.imports.report import build_error_report, format_problem
from xingtu.imports.spec import KINDS, SPECS
from xingtu.imports.templates import build_template
from xingtu.imports.validate import Checked, Problem, Reference, check_file
from xingtu.settings import get_settings
from xingtu.store import versions
from xingtu.store.build import ensure_store

SHOWN = 50


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _audit(event: str, user: str, **detail: object) -> None:
    """The terminal is a door too: its imports and rollbacks go into the same audit log."""
    settings = get_settings()
    audit.record(settings.audit_path, event, user, "cli", settings.province.ljust(12, "0"), **detail)


def _reference() -> Reference:
    with duckdb.connect(str(ensure_store()), read_only=True) as con:
        return query_reference(con)


def _overrides(args: argparse.Namespace) -> Overrides:
    return Overrides(year=args.year, region=args.region, unit_type=args.unit_type, month=args.month)


def _refused_early(path: Path, args: argparse.Namespace) -> int | None:
    """A file whose size or shape alone is refused, before the store is even opened."""
    try:
        check_file_limits(path.read_bytes(), path.name)
    except FileError as exc:
        checked = Checked(args.kind or "annual", path.name, "")
        checked.problems.append(Problem("", None, "", "", str(exc)))
        return _report(checked, args)
    return None


def _check(args: argparse.Namespace, ref: Reference) -> Checked:
    path = Path(args.file)
    return check_file(
        path.read_bytes(), path.name, args.kind, ref, args.crs, _overrides(args), reader=read_sheets_guarded
    )


def _report(checked: Checked, args: argparse.Namespace, changes: object = None) -> int:
    path = Path(args.file)
    for line in describe(checked, changes):  # type: ignore[arg-type]
        _out(line)
    if checked.ok:
        _out(f"检查通过：{path.name}，{checked.rows:,} 行")
        return 0
    _out(f"文件未导入（没有任何改动）：共 {len(checked.problems):,} 处问题")
    for p in checked.problems[:SHOWN]:
        _out("  " + format_problem(p))
    if len(checked.problems) > SHOWN:
        _out(f"  …另有 {len(checked.problems) - SHOWN:,} 处，见问题报告（--report）")
    if args.report:
        Path(args.report).write_bytes(build_error_report(checked.problems))
        _out(f"问题报告：{args.report}")
    return 1


def _standard(args: argparse.Namespace) -> int:
    """check / load --kind standard: a catalogue workbook (评星标准对照表) in force from --year."""
    path = Path(args.file)
    if args.year is None:
        _out("错误：任务清单须用 --year 指明开始施行的年度")
        return 2
    ensure_store()
    if args.command == "check":
        checked, version = check_standard(path.read_bytes(), path.name, args.year), None
    else:
        checked, version = import_standard(
            path.read_bytes(),
            path.name,
            args.year,
            user=args.user,
            progress=lambda _f, message: _out(f"… {message}"),
        )
    if not checked.ok:
        _out(f"任务清单未导入（没有任何改动）：共 {len(checked.problems):,} 处问题")
        for p in checked.problems[:SHOWN]:
            _out("  " + format_problem(p.as_problem()))
        if args.report:
            Path(args.report).write_bytes(build_error_report([p.as_problem() for p in checked.problems]))
            _out(f"问题报告：{args.report}")
        return 1
    for line in summary_lines(checked):
        _out(line)
    impact = checked.impact
    if impact.get("years"):
        _out(
            f"适用年度：{'、'.join(map(str, impact['years']))}；"
            f"重新评星 {impact['unit_years']:,} 个单位年度，"
            f"删除已删任务的结果 {impact['results_dropped']:,} 条"
        )
    if version is not None:
        _audit("import", args.user, version=version.id, file=path.name, kind="standard", rows=version.rows)
        _out(f"已导入为 {version.label}：任务清单自 {args.year} 年起施行")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m xingtu.imports", description="导入县区台账、管理数据版本"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "load"):
        p = sub.add_parser(name, help="只检查" if name == "check" else "检查并导入（生成新版本）")
        p.add_argument("file")
        p.add_argument(
            "--kind",
            choices=(*KINDS, "standard"),
            help="文件内容（不填则按表头识别）："
            + "，".join(f"{k}={s.title}" for k, s in SPECS.items())
            + "，standard=任务清单",
        )
        p.add_argument(
            "--year",
            type=int,
            help="年度：代替标题、工作表名、文件名中的年份（--kind standard：任务清单开始施行的年度）",
        )
        p.add_argument("--region", help="地区代码（12 位，市、县区或乡镇），代替标题等处的地区名")
        p.add_argument("--unit-type", choices=("rural", "urban"), help="rural=村，urban=社区")
        p.add_argument("--month", type=int, choices=range(1, 13), metavar="1-12", help="月份（月度进度）")
        p.add_argument("--crs", choices=("wgs84", "gcj02", "bd09"), help="位置文件的坐标系")
        p.add_argument("--report", help="把问题写入此 .xlsx")
        if name == "load":
            p.add_argument("--user", default=getpass.getuser(), help="导入人（记入版本记录）")
    sub.add_parser("versions", help="列出数据版本")
    rb = sub.add_parser("rollback", help="回退到上一版本（或 --to 指定版本）")
    rb.add_argument("--to", type=int)
    tp = sub.add_parser("template", help="生成导入模板")
    tp.add_argument("kind", choices=(*KINDS, "standard"))
    tp.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)

    try:
        if args.command in ("check", "load") and args.kind == "standard":
            return _standard(args)
        if args.command in ("check", "load"):
            refused = _refused_early(Path(args.file), args)
            if refused is not None:
                return refused
        if args.command == "check":
            ref = _reference()
            checked = _check(args, ref)
            with duckdb.connect(str(ensure_store()), read_only=True) as con:
                changes = query_level_changes(con, checked) if checked.ok else None
            return _report(checked, args, changes)
        elif args.command == "load":
            path = Path(args.file)
            checked, version = import_bytes(
                path.read_bytes(),
                path.name,
                args.kind,
                user=args.user,
                crs=args.crs,
                overrides=_overrides(args),
                progress=lambda _f, message: _out(f"… {message}"),
            )
            _report(checked, args)
            if version is None:
                return 1
            _audit(
                "import", args.user, version=version.id, file=path.name, kind=checked.kind, rows=version.rows
            )
            _out(f"已导入为 {version.label}：{version.rows:,} 行，{version.units:,} 个单位")
        elif args.command == "versions":
            current = versions.current_id()
            _out(f"{'*' if current == 0 else ' '} v0  初始数据（样例数据构建）")
            for v in versions.list_versions():
                mark = "*" if v.id == current else " "
                gone = "（文件已清理）" if v.pruned else ""
                title = SPECS[v.kind].title if v.kind in SPECS else "任务清单"
                what = f"{title}  {v.file_name}  {v.rows:,} 行{gone}"
                _out(f"{mark} {v.label}  {v.created_at}  {v.user}  {what}")
        elif args.command == "rollback":
            before = versions.current_id()
            if args.to is None:
                vid = versions.rollback()
            else:
                versions.activate(args.to)
                vid = args.to
            _audit("rollback" if args.to is None else "activate", getpass.getuser(), before=before, after=vid)
            _out(f"当前版本：v{vid}")
        elif args.command == "template" and args.kind == "standard":  # the catalogue in force, to edit
            with duckdb.connect(str(ensure_store()), read_only=True) as con:
                latest = max(int(y) for (y,) in con.execute("SELECT year FROM tasks").fetchall())
            Path(args.output).write_bytes(export_standard(latest))
            _out(f"现行任务清单（{latest} 年）：{args.output}")
        elif args.command == "template":
            Path(args.output).write_bytes(build_template(args.kind, _reference()))
            _out(f"模板：{args.output}")
    except (versions.VersionError, OSError) as exc:
        _out(f"错误：{exc}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
