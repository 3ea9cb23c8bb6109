"""Every import and validation message is "中文 / English": the Chinese text, " / ", then English.

The upload page shows the half of the reader's language (``_in_language`` splits at the first
" / "), so each message must have exactly that split point, Chinese before it, and an English half
free of Chinese except the values that come from the file or the store (names, sheet names, header
texts, the user's value), which are quoted. The whole test corpus, the shared test workbooks, the
hostile files and a set of broken workbooks are checked, and every parser's error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import duckdb
import pytest

from tests.corpus import BUILDERS
from tests.hostile import HOSTILE
from tests.workbooks import annual_rows, star_names, write_messy_annual, xlsx
from xingtu.imports import normalise as n
from xingtu.imports.apply import query_reference
from xingtu.imports.spec import KINDS
from xingtu.imports.validate import Checked, Problem, Reference, check_file

YUANHUI = "411102000000"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」")


def message_faults(message: str, own: Iterable[str] = ()) -> list[str]:
    """What is wrong with one "中文 / English" message (an empty list: nothing)."""
    zh, sep, en = message.partition(" / ")
    if not sep:
        return ["no ' / ' between the Chinese and the English half"]
    faults = []
    if not HAN.search(zh):
        faults.append("the first half has no Chinese")
    if not en.strip():
        faults.append("the English half is empty")
    rest = QUOTED.sub("", en)
    for text in sorted({t for t in own if t}, key=len, reverse=True):
        rest = rest.replace(text, "")
    if hit := CJK.search(rest):
        faults.append(f"Chinese outside quotes in the English half: {hit.group()!r} in {rest!r}")
    return faults


def problem_faults(p: Problem) -> list[str]:
    return message_faults(p.message, (p.value, p.column, p.sheet))


def assert_bilingual(problems: Iterable[Problem], where: str) -> None:
    bad = [
        f"{p.sheet}!{p.row}:{p.column}: {problem_faults(p)}\n    {p.message}"
        for p in problems
        if problem_faults(p)
    ]
    assert not bad, f"{where}:\n" + "\n".join(bad)


def test_the_check_itself_catches_chinese_only_and_badly_joined_messages():
    assert message_faults("应为整数")  # today's Chinese-only message
    assert message_faults("缺少必填列“年度”（也可写作：年份）/ required column")  # no space before /
    assert message_faults("Should be a whole number / 应为整数")  # halves swapped
    assert message_faults("应为整数 / 应为整数")
    assert message_faults("没有年度 / add a 年度 column")  # Chinese outside quotes
    assert not message_faults("没有年度 / add a “年度” column")
    assert not message_faults("找不到“刘庄” / No unit named 刘庄", own=["刘庄"])  # the user's own value
    assert not message_faults("应为整数 / Should be a whole number")


@pytest.fixture(scope="module")
def ref(small_store_path) -> Reference:
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        return query_reference(con)


@pytest.fixture(scope="module")
def corpus_files() -> list[Any]:
    return [build() for build in BUILDERS.values()]


def _all_messages(checked: Checked) -> list[Problem]:
    return list(checked.problems)


def test_corpus_files_give_bilingual_messages(corpus_files, ref):
    seen = 0
    for f in corpus_files:
        checked = check_file(f.data, f.name, None, ref)
        seen += len(checked.problems)
        assert_bilingual(_all_messages(checked), f.name)
    assert seen > 0  # the refused files of the corpus say something


@pytest.mark.parametrize("kind", KINDS)
def test_corpus_files_read_as_another_kind_give_bilingual_messages(corpus_files, ref, kind):
    """A file checked as the wrong kind: missing columns, headers not found, the skipped sheets' reasons."""
    for f in corpus_files[::3]:
        checked = check_file(f.data, f.name, kind, ref)
        assert_bilingual(checked.problems, f"{f.name} as {kind}")
        for sheet in checked.skipped_sheets:
            assert not message_faults(sheet.reason, (sheet.name,)), (f.name, sheet.name, sheet.reason)


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.why)
def test_hostile_files_give_bilingual_messages(hostile, ref):
    checked = check_file(hostile.build(), hostile.name, None, ref)
    assert checked.problems
    assert_bilingual(checked.problems, hostile.name)


@pytest.fixture(scope="module")
def results(small_store_path):
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        return annual_rows(con, 2025, [YUANHUI]), star_names(con)


def test_messy_workbook_with_errors_gives_bilingual_messages(ref, results):
    frame, stars = results
    bad = frame.copy()
    bad.loc[0, "level"] = 5
    bad.loc[1, "name"] = "新华杜区"
    bad.loc[3, "target_level"] = 0
    bad.loc[4, "code"] = "411102999999"
    checked = check_file(write_messy_annual(bad, stars, 2025, with_codes=True), "bad.xlsx", "annual", ref)
    assert len(checked.problems) >= 3
    assert_bilingual(checked.problems, "messy annual")
    clean = check_file(write_messy_annual(frame, stars, 2025), "源汇区.xlsx", "annual", ref)
    assert clean.problems == []


def _unit(ref: Reference, i: int = 0) -> dict[str, str]:
    row = ref.units.iloc[i]
    return {"code": row["code"], "name": row["name"], "township": row["township"], "county": row["county"]}


def _broken(ref: Reference) -> list[tuple[str, str, Any, bytes]]:
    """(name, kind, crs, workbook) for workbooks that break each rule the checker knows."""
    u, v = _unit(ref, 0), _unit(ref, 1)
    names = ref.units["name"]
    dup = names[names.duplicated()].iloc[0]
    rural = ref.stars.loc[ref.stars["unit_type"] == "rural", "star_name"].tolist()
    star = rural[0]
    out: list[tuple[str, str, Any, bytes]] = []
    annual = ["单位代码", "村(社区)名称", "年度", "创建目标", "评定星级", "软弱涣散", star]
    out.append(
        (
            "annual-cells",
            "annual",
            None,
            xlsx(
                [
                    annual,
                    [u["code"], u["name"], 2025, "五星以上", "七星", "也许", "可能"],
                    ["4.11102E+11", "", 2025, 3, 3, "否", "是"],
                    ["4111", "", 2025, 3, 3, "否", "是"],
                    ["x411102001002", "", 2025, 3, 3, "否", "是"],
                    ["", "", 2025, 3, 3, "否", "是"],
                    ["", "不存在的村子", 2025, 3, 3, "否", "是"],
                    ["", dup, 2025, 3, 3, "否", "是"],
                    [v["code"], v["name"], 2019, 3, 3, "否", "是"],
                    [v["code"], v["name"], 2099, 3, "★★★★★★", "否", "是"],
                    [v["code"], v["name"], "二〇二五", 0, 9, 2, "是"],
                    [v["code"], v["name"], 10**12, 3, 4.5, True, "是"],
                ]
            ),
        )
    )
    out.append(
        (
            "annual-dup",
            "annual",
            None,
            xlsx([annual, [u["code"], "", 2025, 3, 3, "否", "是"], [u["code"], "", 2025, 4, 4, "否", "是"]]),
        )
    )
    out.append(
        ("annual-no-year", "annual", None, xlsx([["单位代码", "评定星级", "创建目标"], [u["code"], 3, 3]]))
    )
    out.append(
        (
            "annual-no-stars",
            "annual",
            None,
            xlsx([["单位代码", "年度", "评定星级", "创建目标"], [u["code"], 2025, 3, 3]]),
        )
    )
    out.append(
        (
            "annual-repeat",
            "annual",
            None,
            xlsx([["单位代码", "年度", "评定星级", "评定星级", star], [u["code"], 2025, 3, 3, "是"]]),
        )
    )
    out.append(
        ("annual-no-unit", "annual", None, xlsx([["年度", "评定星级", "创建目标", star], [2025, 3, 3, "是"]]))
    )
    out.append(
        (
            "tasks",
            "tasks",
            None,
            xlsx(
                [
                    ["单位代码", "年度", "任务编号", "任务名称", "是否达标"],
                    [u["code"], 2025, "NO-SUCH-1", "", "是"],
                    [u["code"], 2025, "", "没有这项任务", "是"],
                    [u["code"], 2025, "", "甲任务 / 乙任务", "是"],  # a " / " inside the user's value
                    [u["code"], 2025, "", "", "是"],
                    [u["code"], 2025, "", "", "半达标"],
                ]
            ),
        )
    )
    out.append(
        ("tasks-no-id", "tasks", None, xlsx([["单位代码", "年度", "是否达标"], [u["code"], 2025, "是"]]))
    )
    out.append(
        (
            "monthly",
            "monthly",
            None,
            xlsx(
                [
                    ["单位代码", "年度", "月份", "星", "已达标任务数", "任务总数"],
                    [u["code"], 2025, 13, "不存在星", 3, 5],
                    [u["code"], 2025, 6, star, 9, 5],
                    [u["code"], 2025, 6, star, 1, 0],
                    [u["code"], 2025, 7, star, "三个", 5],
                    [u["code"], 2025, 8, star, 1, 5],
                    [u["code"], 2025, 8, star, 2, 5],
                ]
            ),
        )
    )
    out.append(
        (
            "monthly-no-month",
            "monthly",
            None,
            xlsx([["单位代码", "年度", "星", "已达标任务数"], [u["code"], 2025, star, 1]]),
        )
    )
    out.append(
        (
            "problems",
            "problems",
            None,
            xlsx(
                [
                    ["单位代码", "年度", "所属星", "问题描述", "整改时限", "整改状态", "销号日期"],
                    [u["code"], 2025, "不存在星", "问题一", "明年", "搁置", "2025-13-45"],
                    [u["code"], 2025, star, "问题二", "", "整改中", "2025-06-01"],
                    [u["code"], 2025, star, "问题三", "1990-01-01", "整改中", "1990-01-01"],
                    [u["code"], 2025, star, "问题四", 5, "整改中", "不是日期"],
                ]
            ),
        )
    )
    out.append(
        (
            "problems-no-status",
            "problems",
            None,
            xlsx([["单位代码", "年度", "问题描述", "整改时限"], [u["code"], 2025, "问题", "2025-12-31"]]),
        )
    )
    out.append(
        (
            "pairings",
            "pairings",
            None,
            xlsx(
                [
                    ["帮带单位代码", "受帮带单位代码", "结对日期"],
                    [u["code"], u["code"], "1900-01-01"],
                    [u["code"], v["code"], "2025-03-01"],
                    [u["code"], v["code"], "2025-03-02"],
                    [u["code"], "411102999999", ""],
                ]
            ),
        )
    )
    out.append(
        (
            "pairings-no-weak",
            "pairings",
            None,
            xlsx([["帮带单位代码", "结对日期"], [u["code"], "2025-03-01"]]),
        )
    )
    locations = xlsx(
        [
            ["单位代码", "经度", "纬度"],
            [u["code"], 33.5, 114.0],
            [v["code"], 10.0, 10.0],
            [_unit(ref, 2)["code"], "东经", "113.6°"],
            [_unit(ref, 3)["code"], float("inf"), 33.5],
            [_unit(ref, 4)["code"], True, 33.5],
            [_unit(ref, 5)["code"], 113.0, 36.9],
            [_unit(ref, 5)["code"], 113.0, 36.9],
        ]
    )
    out.append(("locations", "locations", "wgs84", locations))
    out.append(("locations-no-crs", "locations", None, locations))
    out.append(("notes-only", None, None, xlsx([["说明"], ["本文件用于……"]])))
    rows = [annual] + [[c, "", 2025, 3, "x", "否", "是"] for c in ref.units["code"].iloc[:5]]
    out.append(("whole-sheet", "annual", None, xlsx(rows)))
    return out


def test_broken_workbooks_give_bilingual_messages(ref):
    seen: set[str] = set()
    for name, kind, crs, data in _broken(ref):
        checked = check_file(data, f"{name}.xlsx", kind, ref, crs=crs)
        assert checked.problems, name
        assert_bilingual(checked.problems, name)
        seen |= {p.message.partition(" / ")[0][:6] for p in checked.problems}
    assert len(seen) >= 30  # the broken workbooks reach many different messages


BAD_CELLS: list[tuple[Callable[[Any], Any], Any]] = [
    (n.parse_int, True),
    (n.parse_int, 4.5),
    (n.parse_int, "四个"),
    (n.parse_int, "4.5"),
    (n.parse_int, 10**18),
    (n.parse_level, 7),
    (n.parse_level, "★★★★★★"),
    (n.parse_level, "很多星"),
    (n.parse_level, "9星"),
    (n.parse_target, "争创很多星"),
    (n.parse_target, "争创"),
    (n.parse_target, "八"),
    (n.parse_bool, 2),
    (n.parse_bool, "也许"),
    (n.parse_float, True),
    (n.parse_float, "东经"),
    (n.parse_float, float("inf")),
    (n.parse_date, 12),
    (n.parse_date, "下个月"),
    (n.parse_date, "2025-02-30"),
    (n.parse_deadline, "明年"),
    (n.parse_code, "4.11102E+11"),
    (n.parse_code, "ABC"),
    (n.parse_code, "4111"),
]


@pytest.mark.parametrize(("parse", "cell"), BAD_CELLS, ids=lambda x: getattr(x, "__name__", repr(x)))
def test_every_parser_error_is_bilingual(parse, cell):
    with pytest.raises(ValueError) as info:
        parse(cell)
    faults = message_faults(str(info.value), (str(cell),))
    assert not faults, (str(info.value), faults)
