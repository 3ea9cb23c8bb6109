"""The star standard as data: parse and validate a catalogue document.

A catalogue (data/standard/<year>.yaml) lists, per unit type, the five stars and
their tasks, plus the rule that turns task results into stars. Parsing is pure and
reports every problem with its path in Chinese, so a user editing the file learns
exactly what to fix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xingtu.domain.units import UNIT_TYPES, UnitType

STARS_PER_TYPE = 5


class StandardError(ValueError):
    """A catalogue that cannot be used; ``problems`` lists every issue found."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}：" + "；".join(self.problems))


@dataclass(frozen=True)
class Task:
    id: str
    star: str
    name: str
    description: str
    veto: bool


@dataclass(frozen=True)
class Star:
    id: str
    name: str
    tasks: tuple[Task, ...]
    min_share_met: float
    veto_required: bool

    @property
    def task_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tasks)

    @property
    def veto_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tasks if t.veto)


@dataclass(frozen=True)
class Standard:
    """One catalogue, in force from ``effective_from`` until a later one exists."""

    name: str
    effective_from: int
    sample: bool
    stars: Mapping[UnitType, tuple[Star, ...]]
    source_note: str = ""
    tasks_by_id: Mapping[str, Task] = field(default_factory=dict)

    def stars_for(self, unit_type: UnitType) -> tuple[Star, ...]:
        return self.stars[unit_type]

    def tasks_for(self, unit_type: UnitType) -> tuple[Task, ...]:
        return tuple(t for s in self.stars[unit_type] for t in s.tasks)


def _share(value: Any, path: str, problems: list[str]) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < float(value) <= 1:
        problems.append(f"{path} 应为 0 到 1 之间的小数（如 0.8 表示 80%），当前为 {value!r}")
        return 1.0
    return float(value)


def _flag(value: Any, path: str, default: bool, problems: list[str]) -> bool:
    if not isinstance(value, bool):
        problems.append(f"{path} 应为 true 或 false，当前为 {value!r}")
        return default
    return value


def _entries(
    items: list[Any], path: str, keys: str, problems: list[str]
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each entry of a list with its path (``path[1]``, …); one that is not a mapping is reported, skipped."""
    for i, item in enumerate(items, start=1):
        item_path = f"{path}[{i}]"
        if isinstance(item, Mapping):
            yield item_path, item
        else:
            problems.append(f"{item_path} 应为映射（{keys}）")


def _text(obj: Mapping[str, Any], key: str, path: str, problems: list[str]) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{path}.{key} 缺失或为空，请填写文字")
        return ""
    return value.strip()


def parse_standard(doc: Any, source: str = "标准文件") -> Standard:
    """Validate a parsed YAML document and build a :class:`Standard`.

    Raises StandardError listing all problems (not just the first).
    """
    problems: list[str] = []
    if not isinstance(doc, Mapping):
        raise StandardError(source, ["文件内容应为一个映射（键: 值），请对照 data/standard/README.md 的结构"])
    year = doc.get("effective_from")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(f"effective_from 应为起始年份（如 2022），当前为 {year!r}")
        year = 0
    rule = doc.get("rule") or {}
    if not isinstance(rule, Mapping):
        problems.append("rule 应为映射，含 veto_required、min_share_met、overrides")
        rule = {}
    default_share = _share(rule.get("min_share_met", 0.8), "rule.min_share_met", problems)
    veto_required = _flag(rule.get("veto_required", True), "rule.veto_required", True, problems)
    overrides = rule.get("overrides") or {}
    if not isinstance(overrides, Mapping):
        problems.append("rule.overrides 应为映射：星的 id → {min_share_met: 小数, veto_required: 是否}")
        overrides = {}

    types = doc.get("types")
    if not isinstance(types, Mapping):
        raise StandardError(source, [*problems, "缺少 types（rural 与 urban 两类的星和任务）"])
    stars: dict[UnitType, tuple[Star, ...]] = {}
    tasks_by_id: dict[str, Task] = {}
    used_star_ids: set[str] = set()
    for unit_type in UNIT_TYPES:
        block = types.get(unit_type)
        if not isinstance(block, Mapping) or not isinstance(block.get("stars"), list):
            problems.append(f"types.{unit_type}.stars 缺失：每类单位须列出 {STARS_PER_TYPE} 颗星")
            continue
        star_list = block["stars"]
        if len(star_list) != STARS_PER_TYPE:
            problems.append(f"types.{unit_type}.stars 应有 {STARS_PER_TYPE} 颗星，当前 {len(star_list)} 颗")
        parsed: list[Star] = []
        for spath, star_doc in _entries(star_list, f"types.{unit_type}.stars", "id、name、tasks", problems):
            star_id = _text(star_doc, "id", spath, problems)
            star_name = _text(star_doc, "name", spath, problems)
            used_star_ids.add(star_id)
            task_docs = star_doc.get("tasks")
            if not isinstance(task_docs, list) or not task_docs:
                problems.append(f"{spath}.tasks 应至少列出一项任务")
                task_docs = []
            tasks: list[Task] = []
            for tpath, tdoc in _entries(task_docs, f"{spath}.tasks", "id、name、description、veto", problems):
                tid = _text(tdoc, "id", tpath, problems)
                veto = _flag(tdoc.get("veto", False), f"{tpath}.veto", False, problems)
                task = Task(
                    id=tid,
                    star=star_id,
                    name=_text(tdoc, "name", tpath, problems),
                    description=_text(tdoc, "description", tpath, problems),
                    veto=veto,
                )
                if tid and tid in tasks_by_id:
                    problems.append(f"{tpath}.id 重复：{tid} 已在别处使用，任务编号须唯一")
                elif tid:
                    tasks_by_id[tid] = task
                tasks.append(task)
            share, star_veto = default_share, veto_required
            if star_id in overrides:
                override = overrides[star_id]
                known = {"min_share_met", "veto_required"}
                if isinstance(override, Mapping) and override and set(override) <= known:
                    if "min_share_met" in override:
                        share = _share(
                            override["min_share_met"], f"rule.overrides.{star_id}.min_share_met", problems
                        )
                    if "veto_required" in override:
                        star_veto = _flag(
                            override["veto_required"],
                            f"rule.overrides.{star_id}.veto_required",
                            veto_required,
                            problems,
                        )
                else:
                    problems.append(
                        f"rule.overrides.{star_id} 应写成 {{min_share_met: 小数}}"
                        f"（如 {{min_share_met: 0.75}}，也可加 veto_required: false），当前为 {override!r}"
                    )
            parsed.append(Star(star_id, star_name, tuple(tasks), share, star_veto))
        ids = [s.id for s in parsed]
        if len(set(ids)) != len(ids):
            problems.append(f"types.{unit_type}.stars 中星的 id 重复：{ids}")
        stars[unit_type] = tuple(parsed)
    problems.extend(
        f"rule.overrides.{star_id}：没有这个 id 的星，请检查拼写"
        for star_id in overrides
        if star_id not in used_star_ids
    )
    sample = doc.get("sample", False)
    if not isinstance(sample, bool):
        problems.append(f"sample 应为 true 或 false（不要加引号），当前为 {sample!r}")
    if problems:
        raise StandardError(source, problems)
    return Standard(
        name=str(doc.get("name") or "未命名标准"),
        effective_from=int(year),
        sample=bool(sample),
        stars=stars,
        source_note=str(doc.get("source_note") or ""),
        tasks_by_id=tasks_by_id,
    )


def standard_for_year(standards: Mapping[int, Standard], year: int) -> Standard:
    """The catalogue in force in ``year``: the latest one that took effect no later."""
    eligible = [y for y in standards if y <= year]
    if not eligible:
        first = min(standards) if standards else None
        raise LookupError(f"{year} 年没有适用的标准（最早的标准自 {first} 年起施行）")
    return standards[max(eligible)]


UNIT_TYPE_LABELS: dict[UnitType, str] = {"rural": "村", "urban": "社区"}


def rule_to_doc(by_id: Mapping[str, tuple[float, bool]]) -> dict[str, Any]:
    """A rule section from each star's (share, veto required): the defaults are the most common
    share and veto setting (ties: the first star's); a star that differs gets an override."""
    values = list(by_id.values())

    def mode(items: list[Any]) -> Any:
        return max(items, key=lambda v: (items.count(v), -items.index(v)))

    share = mode([v[0] for v in values])
    veto = mode([v[1] for v in values])
    overrides: dict[str, dict[str, Any]] = {}
    for sid, (s_share, s_veto) in by_id.items():
        entry: dict[str, Any] = {}
        if s_share != share:
            entry["min_share_met"] = s_share
        if s_veto != veto:
            entry["veto_required"] = s_veto
        if entry:
            overrides[sid] = entry
    return {"veto_required": veto, "min_share_met": share, "overrides": overrides}


def standard_to_doc(standard: Standard) -> dict[str, Any]:
    """The document (the shape of data/standard/<year>.yaml) that parses back to ``standard``.

    The rule's defaults are the most common share and veto setting among the stars (ties: the
    first star's); a star that differs gets an override. Overrides are keyed by star id, so a
    star id shared by both unit types must carry the same rule in both.
    """
    all_stars = [s for t in UNIT_TYPES for s in standard.stars_for(t)]
    by_id: dict[str, tuple[float, bool]] = {}
    for star in all_stars:
        rule = (star.min_share_met, star.veto_required)
        if by_id.setdefault(star.id, rule) != rule:
            raise StandardError(
                standard.name, [f"星 {star.id} 在村和社区中的得星规则不同：同一 id 的星须用同一规则"]
            )

    return {
        "name": standard.name,
        "sample": standard.sample,
        "effective_from": standard.effective_from,
        "source_note": standard.source_note,
        "rule": rule_to_doc(by_id),
        "types": {
            t: {
                "label": UNIT_TYPE_LABELS[t],
                "stars": [
                    {
                        "id": s.id,
                        "name": s.name,
                        "tasks": [
                            {"id": k.id, "name": k.name, "description": k.description, "veto": k.veto}
                            for k in s.tasks
                        ],
                    }
                    for s in standard.stars_for(t)
                ],
            }
            for t in UNIT_TYPES
        },
    }
