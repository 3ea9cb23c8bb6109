"""Star catalogue parsing and validation (xingtu.domain.standard, xingtu.reference.standards)."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from xingtu.domain.standard import Standard, StandardError, parse_standard, standard_for_year, standard_to_doc
from xingtu.reference.standards import load_standard_file, load_standards
from xingtu.settings import DATA_DIR

SAMPLE_PATH = DATA_DIR / "standard" / "2022.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")

RURAL_STARS = [
    ("branch", "支部过硬星"),
    ("industry", "产业兴旺星"),
    ("ecology", "生态宜居星"),
    ("safety", "平安法治星"),
    ("civility", "文明幸福星"),
]
URBAN_STARS = [
    ("branch", "支部过硬星"),
    ("business", "宜业兴业星"),
    ("safety", "平安法治星"),
    ("sharing", "共建共享星"),
    ("harmony", "幸福和谐星"),
]


def make_doc(year: int = 2024, tasks_per_star: int = 3) -> dict[str, Any]:
    """A small valid catalogue: 5 stars per type, the first task of each star a veto."""

    def stars(prefix: str, ids: list[tuple[str, str]]) -> list[dict[str, Any]]:
        return [
            {
                "id": sid,
                "name": name,
                "tasks": [
                    {
                        "id": f"{prefix}-{sid}-{j}",
                        "name": f"任务{j}",
                        "description": f"{name}第{j}项任务的说明",
                        "veto": j == 1,
                    }
                    for j in range(1, tasks_per_star + 1)
                ],
            }
            for sid, name in ids
        ]

    return {
        "name": f"测试标准{year}",
        "sample": False,
        "effective_from": year,
        "rule": {
            "veto_required": True,
            "min_share_met": 0.8,
            "overrides": {"industry": {"min_share_met": 0.5}},
        },
        "types": {
            "rural": {"label": "村", "stars": stars("R", RURAL_STARS)},
            "urban": {"label": "社区", "stars": stars("U", URBAN_STARS)},
        },
    }


def write_yaml(path: Path, doc: Any) -> Path:
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the shipped sample


@pytest.fixture(scope="module")
def sample() -> Standard:
    return load_standard_file(SAMPLE_PATH)


def test_sample_header(sample: Standard) -> None:
    assert sample.effective_from == 2022
    assert sample.sample is True
    assert sample.name == "五星支部创建任务清单（样例）"
    assert sample.source_note


@pytest.mark.parametrize(
    ("unit_type", "stars", "sizes"),
    [
        pytest.param("rural", RURAL_STARS, [18, 18, 18, 18, 18], id="rural"),
        pytest.param("urban", URBAN_STARS, [22, 21, 21, 21, 21], id="urban"),
    ],
)
def test_sample_stars(
    sample: Standard, unit_type: str, stars: list[tuple[str, str]], sizes: list[int]
) -> None:
    got = sample.stars_for(unit_type)  # type: ignore[arg-type]
    assert [(s.id, s.name) for s in got] == stars
    assert [len(s.tasks) for s in got] == sizes
    assert len(sample.tasks_for(unit_type)) == sum(sizes)  # type: ignore[arg-type]
    for star in got:
        assert len(star.veto_ids) >= 1, star.id
        assert all(t.star == star.id for t in star.tasks)
        assert star.veto_required is True
        assert all(t.name and t.description for t in star.tasks)


def test_sample_shares_and_ids(sample: Standard) -> None:
    shares = {(ut, s.id): s.min_share_met for ut in ("rural", "urban") for s in sample.stars_for(ut)}
    assert shares[("rural", "industry")] == 0.75
    assert {v for k, v in shares.items() if k != ("rural", "industry")} == {0.8}
    all_ids = [t.id for ut in ("rural", "urban") for t in sample.tasks_for(ut)]
    assert len(all_ids) == 196
    assert len(set(all_ids)) == 196
    assert set(sample.tasks_by_id) == set(all_ids)


def test_load_standards_default_dir() -> None:
    standards = load_standards()
    assert min(standards) == 2022  # later catalogues may be added next to the sample
    assert standards[2022].sample is True


# ---------------------------------------------------------------- valid synthetic documents


def test_make_doc_parses() -> None:
    std = parse_standard(make_doc())
    assert std.effective_from == 2024
    assert std.sample is False
    assert [s.id for s in std.stars_for("rural")] == [sid for sid, _ in RURAL_STARS]
    industry = next(s for s in std.stars_for("rural") if s.id == "industry")
    assert industry.min_share_met == 0.5
    assert industry.veto_ids == ("R-industry-1",)
    assert std.tasks_by_id["U-harmony-3"].star == "harmony"


def test_defaults_when_rule_missing() -> None:
    doc = make_doc()
    del doc["rule"]
    std = parse_standard(doc)
    stars = std.stars_for("rural") + std.stars_for("urban")
    assert {s.min_share_met for s in stars} == {0.8}
    assert {s.veto_required for s in stars} == {True}


def test_override_applies_to_every_type_with_that_star() -> None:
    doc = make_doc()
    doc["rule"]["overrides"] = {"safety": {"min_share_met": 0.6}}
    std = parse_standard(doc)
    for unit_type in ("rural", "urban"):
        shares = {s.id: s.min_share_met for s in std.stars_for(unit_type)}
        assert shares.pop("safety") == 0.6
        assert set(shares.values()) == {0.8}


# ---------------------------------------------------------------- invalid documents


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


def _drop_star(doc: dict[str, Any]) -> None:
    doc["types"]["urban"]["stars"].pop()


def _add_star(doc: dict[str, Any]) -> None:
    doc["types"]["rural"]["stars"].append(copy.deepcopy(doc["types"]["rural"]["stars"][0]) | {"id": "extra"})
    doc["types"]["rural"]["stars"][-1]["tasks"] = [
        {"id": "R-extra-1", "name": "额外", "description": "额外任务", "veto": False}
    ]


def _duplicate_task_within_star(doc: dict[str, Any]) -> None:
    doc["types"]["rural"]["stars"][0]["tasks"][2]["id"] = "R-branch-1"


def _duplicate_task_across_types(doc: dict[str, Any]) -> None:
    doc["types"]["urban"]["stars"][4]["tasks"][0]["id"] = "R-branch-2"


TASK = ["types", "rural", "stars", 0, "tasks", 1]  # types.rural.stars[1].tasks[2]

ERROR_CASES = [
    pytest.param(_delete(["types"]), "缺少 types", id="missing-types"),
    pytest.param(_set(["types"], ["rural"]), "缺少 types", id="types-not-mapping"),
    pytest.param(_delete(["types", "urban"]), "types.urban.stars 缺失", id="missing-urban"),
    pytest.param(_set(["types", "rural", "stars"], "branch"), "types.rural.stars 缺失", id="stars-not-list"),
    pytest.param(_drop_star, "types.urban.stars 应有 5 颗星，当前 4 颗", id="four-stars"),
    pytest.param(_add_star, "types.rural.stars 应有 5 颗星，当前 6 颗", id="six-stars"),
    pytest.param(_duplicate_task_within_star, "types.rural.stars[1].tasks[3].id 重复", id="dup-task-id"),
    pytest.param(
        _duplicate_task_across_types, "types.urban.stars[5].tasks[1].id 重复", id="dup-task-id-across-types"
    ),
    pytest.param(_set(["types", "rural", "stars", 1, "id"], "branch"), "星的 id 重复", id="dup-star-id"),
    pytest.param(_set(["rule", "min_share_met"], 0), "rule.min_share_met 应为 0 到 1", id="share-0"),
    pytest.param(_set(["rule", "min_share_met"], 1.5), "rule.min_share_met 应为 0 到 1", id="share-1.5"),
    pytest.param(_set(["rule", "min_share_met"], "0.8"), "当前为 '0.8'", id="share-string"),
    pytest.param(_set(["rule", "min_share_met"], True), "当前为 True", id="share-bool"),
    pytest.param(
        _set(["rule", "min_share_met"], -0.2), "rule.min_share_met 应为 0 到 1", id="share-negative"
    ),
    pytest.param(
        _set(["rule", "overrides", "industry", "min_share_met"], 0),
        "rule.overrides.industry.min_share_met 应为 0 到 1",
        id="override-share-0",
    ),
    pytest.param(
        _set(["rule", "overrides"], {"industri": {"min_share_met": 0.7}}),
        "rule.overrides.industri：没有这个 id 的星",
        id="override-unknown-star",
    ),
    pytest.param(_set(["rule", "overrides"], ["industry"]), "rule.overrides 应为映射", id="overrides-list"),
    pytest.param(_set(["rule"], "strict"), "rule 应为映射", id="rule-not-mapping"),
    pytest.param(
        _set(["rule", "veto_required"], "yes"), "rule.veto_required 应为 true 或 false", id="veto-req"
    ),
    pytest.param(
        _set([*TASK, "veto"], "yes"), "types.rural.stars[1].tasks[2].veto 应为 true 或 false", id="veto"
    ),
    pytest.param(
        _set([*TASK, "veto"], 1), "types.rural.stars[1].tasks[2].veto 应为 true 或 false", id="veto-1"
    ),
    pytest.param(_set([*TASK, "name"], ""), "types.rural.stars[1].tasks[2].name 缺失或为空", id="empty-name"),
    pytest.param(
        _set([*TASK, "name"], "   "), "types.rural.stars[1].tasks[2].name 缺失或为空", id="blank-name"
    ),
    pytest.param(_delete([*TASK, "description"]), "tasks[2].description 缺失或为空", id="no-description"),
    pytest.param(_set([*TASK, "id"], 7), "types.rural.stars[1].tasks[2].id 缺失或为空", id="task-id-int"),
    pytest.param(_set([*TASK], "任务"), "types.rural.stars[1].tasks[2] 应为映射", id="task-not-mapping"),
    pytest.param(
        _set(["types", "urban", "stars", 2, "tasks"], []), "types.urban.stars[3].tasks 应至少", id="no-tasks"
    ),
    pytest.param(
        _set(["types", "urban", "stars", 2, "name"], None), "types.urban.stars[3].name", id="star-name"
    ),
    pytest.param(
        _set(["types", "urban", "stars", 2], "星"), "types.urban.stars[3] 应为映射", id="star-not-map"
    ),
    pytest.param(_set(["effective_from"], "2024"), "effective_from 应为起始年份", id="year-string"),
    pytest.param(_set(["effective_from"], 1999), "effective_from 应为起始年份", id="year-1999"),
    pytest.param(_delete(["effective_from"]), "effective_from 应为起始年份", id="year-missing"),
]


@pytest.mark.parametrize(("mutate", "fragment"), ERROR_CASES)
def test_invalid_document(mutate: Callable[[dict[str, Any]], None], fragment: str) -> None:
    doc = make_doc()
    mutate(doc)
    with pytest.raises(StandardError) as info:
        parse_standard(doc, source="测试.yaml")
    err = info.value
    assert err.source == "测试.yaml"
    assert any(fragment in p for p in err.problems), err.problems
    assert all(CJK.search(p) for p in err.problems)
    assert str(err).startswith("测试.yaml：")


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(None, id="empty-file"),
        pytest.param(["a", "b"], id="list"),
        pytest.param("文字", id="text"),
    ],
)
def test_document_not_a_mapping(doc: Any) -> None:
    with pytest.raises(StandardError, match="应为一个映射") as info:
        parse_standard(doc)
    assert len(info.value.problems) == 1


def test_all_problems_are_listed() -> None:
    doc = make_doc()
    doc["rule"]["min_share_met"] = 1.5
    doc["types"]["rural"]["stars"][0]["tasks"][1]["name"] = ""
    doc["types"]["urban"]["stars"][3]["tasks"][0]["veto"] = "是"
    with pytest.raises(StandardError) as info:
        parse_standard(doc)
    problems = info.value.problems
    assert len(problems) >= 3
    assert any(p.startswith("rule.min_share_met") for p in problems)
    assert any(p.startswith("types.rural.stars[1].tasks[2].name") for p in problems)
    assert any(p.startswith("types.urban.stars[4].tasks[1].veto") for p in problems)
    assert all(CJK.search(p) for p in problems)
    for p in problems:
        assert p in str(info.value)


def test_missing_types_still_reports_earlier_problems() -> None:
    doc = make_doc()
    doc["rule"]["min_share_met"] = 0
    del doc["types"]
    with pytest.raises(StandardError) as info:
        parse_standard(doc)
    assert len(info.value.problems) == 2
    assert info.value.problems[0].startswith("rule.min_share_met")
    assert "缺少 types" in info.value.problems[1]


def test_override_not_a_mapping_is_reported() -> None:
    doc = make_doc()
    doc["rule"]["overrides"] = {"industry": 0.75}
    with pytest.raises(StandardError, match=r"overrides\.industry"):
        parse_standard(doc)


# ---------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("name: 测试\neffective_from: 2024\nsource_note: a: b\n", 3, id="colon-in-value"),
        pytest.param(
            "name: 测试\neffective_from: 2024\ntypes:\n  rural: [unclosed\n  urban: {}\n", 5, id="bracket"
        ),
    ],
)
def test_yaml_syntax_error_names_line(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StandardError) as info:
        load_standard_file(path)
    assert info.value.source == "2024.yaml"
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(f"YAML 格式错误（第 {line} 行）")


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "2024.yaml"
    path.write_bytes("name: 测试标准\n".encode("gbk"))
    with pytest.raises(StandardError, match="UTF-8"):
        load_standard_file(path)


def test_file_year_must_match_effective_from(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "2023.yaml", make_doc(year=2024))
    with pytest.raises(StandardError, match="文件名年份 2023 与 effective_from 2024 不一致"):
        load_standard_file(path)


def test_file_problems_carry_file_name(tmp_path: Path) -> None:
    doc = make_doc()
    doc["types"]["rural"]["stars"][0]["tasks"][1]["veto"] = "no"
    path = write_yaml(tmp_path / "2024.yaml", doc)
    with pytest.raises(StandardError) as info:
        load_standard_file(path)
    assert info.value.source == "2024.yaml"
    assert info.value.problems == ["types.rural.stars[1].tasks[2].veto 应为 true 或 false，当前为 'no'"]


# ---------------------------------------------------------------- which standard applies


@pytest.fixture
def two_standards(tmp_path: Path) -> dict[int, Standard]:
    write_yaml(tmp_path / "2022.yaml", make_doc(year=2022))
    write_yaml(tmp_path / "2026.yaml", make_doc(year=2026))
    (tmp_path / "draft.yaml").write_text("not: [valid", encoding="utf-8")  # ignored: not a year
    return load_standards(tmp_path)


def test_load_standards_reads_year_files_only(two_standards: dict[int, Standard]) -> None:
    assert sorted(two_standards) == [2022, 2026]
    assert two_standards[2026].name == "测试标准2026"


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(2022, 2022, id="first-year"),
        pytest.param(2025, 2022, id="before-second"),
        pytest.param(2026, 2026, id="second-year"),
        pytest.param(2040, 2026, id="later"),
    ],
)
def test_standard_for_year(two_standards: dict[int, Standard], year: int, expected: int) -> None:
    assert standard_for_year(two_standards, year).effective_from == expected


def test_standard_for_year_too_early(two_standards: dict[int, Standard]) -> None:
    with pytest.raises(LookupError, match="2021 年没有适用的标准（最早的标准自 2022 年起施行）"):
        standard_for_year(two_standards, 2021)


def test_standard_for_year_none() -> None:
    with pytest.raises(LookupError, match="2024"):
        standard_for_year({}, 2024)


def test_load_standards_empty_dir(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="没有任何标准文件"):
        load_standards(tmp_path)


@pytest.mark.parametrize("value", ["false", "true", 1, None], ids=["str-false", "str-true", "int", "null"])
def test_sample_flag_must_be_a_real_boolean(value) -> None:
    doc = make_doc()
    doc["sample"] = value
    with pytest.raises(StandardError, match="sample 应为 true 或 false"):
        parse_standard(doc)


def test_override_can_lift_the_veto_rule_for_one_star() -> None:
    doc = make_doc()
    doc["rule"]["overrides"] = {"safety": {"veto_required": False}, "branch": {"min_share_met": 0.6}}
    std = parse_standard(doc)
    for unit_type in ("rural", "urban"):
        rule = {s.id: (s.min_share_met, s.veto_required) for s in std.stars_for(unit_type)}
        assert rule["safety"] == (0.8, False) and rule["branch"] == (0.6, True)
    doc["rule"]["overrides"] = {"safety": {"veto_required": "no"}}
    with pytest.raises(StandardError, match=r"rule\.overrides\.safety\.veto_required 应为 true 或 false"):
        parse_standard(doc)
    doc["rule"]["overrides"] = {"safety": {"share": 0.5}}
    with pytest.raises(StandardError, match=r"rule\.overrides\.safety 应写成"):
        parse_standard(doc)


def test_standard_to_doc_parses_back_to_the_same_catalogue() -> None:
    sample = load_standard_file(DATA_DIR / "standard" / "2022.yaml")
    doc = make_doc()
    doc["rule"] = {
        "veto_required": False,
        "min_share_met": 0.7,
        "overrides": {"branch": {"veto_required": True}},
    }
    for std in (sample, parse_standard(doc)):
        again = parse_standard(standard_to_doc(std))
        assert again == dataclasses.replace(std, tasks_by_id=again.tasks_by_id)
        assert again.tasks_by_id == std.tasks_by_id
