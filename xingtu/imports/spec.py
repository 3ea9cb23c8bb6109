"""What each importable workbook holds: its columns, their Chinese headers and synonyms.

A kind's columns are data, so the template, the header matching and the error messages
all come from one place. Star columns are not listed here: they come from the star
standard in the store (``Reference.stars``), since local catalogues name their stars.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from xingtu.imports import normalise as n

Kind = Literal["annual", "tasks", "monthly", "problems", "pairings", "locations"]
KINDS: tuple[Kind, ...] = ("annual", "tasks", "monthly", "problems", "pairings", "locations")
Crs = Literal["wgs84", "gcj02", "bd09"]
CRS_LABELS: dict[str, str] = {
    "wgs84": "WGS-84（GPS 设备、天地图、奥维）",
    "gcj02": "GCJ-02（高德、腾讯地图）",
    "bd09": "BD-09（百度地图）",
}


@dataclass(frozen=True)
class Field:
    key: str
    header: str  # as written in the template
    synonyms: tuple[str, ...] = ()
    parse: Callable[[Any], Any] = n.parse_text
    required: bool = False
    example: Any = None
    note: str = ""


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    title: str
    fields: tuple[Field, ...]
    note: str
    star_columns: bool = False  # annual results: one 是/否 column per star of the standard

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


_UNIT = (
    Field(
        "code",
        "单位代码",
        (
            "统计用区划代码",
            "区划代码",
            "村(社区)代码",
            "村代码",
            "社区代码",
            "行政区划代码",
            "代码",
            "村级代码",
        ),
        n.parse_code,
        example="411102001002",
        note="12 位统计用区划代码；有代码时以代码为准，可不填名称",
    ),
    Field(
        "name",
        "村(社区)名称",
        (
            "村名",
            "村名称",
            "村(社区)",
            "社区名称",
            "单位名称",
            "村(社区)党组织",
            "党组织名称",
            "村(居)名称",
            "村居名称",
            "村(社区)名",
            "支部名称",
            "党支部名称",
            "村(社区)党组织名称",
            "村(社区)名称/党组织名称",
            "村(居)",
            "村(社区)党支部",
            "党组织",
            "村",
        ),
        n.clean_text,
        example="新华社区",
        note="无代码时按名称在所填乡镇、县区内匹配",
    ),
    Field(
        "township",
        "乡镇(街道)",
        (
            "乡镇",
            "乡(镇)",
            "乡镇名称",
            "街道",
            "乡镇/街道",
            "乡镇(街道)名称",
            "所属乡镇",
            "乡(镇、街道)",
            "乡镇街道",
            "所属乡镇(街道)",
            "乡镇(办事处)",
            "乡(镇)街道",
        ),
        n.clean_text,
        example="老街街道",
    ),
    Field(
        "county",
        "县(市、区)",
        ("县区", "县(市,区)", "县市区", "县(区)", "县(市)", "县", "所属县区", "县(市、区)名称", "县区名称"),
        n.clean_text,
        example="源汇区",
    ),
)
_YEAR = Field("year", "年度", ("年份", "评定年度", "年", "考评年度"), n.parse_int, True, 2025)


def _unit(prefix: str, role: str) -> tuple[Field, ...]:
    """The unit columns again, for the two sides of a pairing (帮带 / 受帮带)."""
    return (
        Field(
            f"{prefix}_code",
            f"{role}单位代码",
            (f"{role}村代码", f"{role}代码"),
            n.parse_code,
            example="411102001002" if prefix == "strong" else "411102004201",
        ),
        Field(
            f"{prefix}_name",
            f"{role}村(社区)",
            (f"{role}村", f"{role}单位", f"{role}村(社区)名称", f"{role}村名称", f"{role}社区"),
            n.clean_text,
            example="新华社区" if prefix == "strong" else "东吴村",
        ),
        Field(
            f"{prefix}_township",
            f"{role}乡镇(街道)",
            (f"{role}乡镇",),
            n.clean_text,
            example="老街街道" if prefix == "strong" else "干河陈街道",
        ),
    )


SPECS: dict[Kind, KindSpec] = {
    "annual": KindSpec(
        "annual",
        "年度评定结果",
        (
            *_UNIT,
            _YEAR,
            Field(
                "target_level",
                "创建目标",
                (
                    "目标星级",
                    "创建目标星级",
                    "目标",
                    "创建星级目标",
                    "争创星级",
                    "争创目标",
                    "创建星级",
                    "年度目标",
                ),
                n.parse_target,
                True,
                "四星",
            ),
            Field(
                "level",
                "评定星级",
                (
                    "星级",
                    "评定结果",
                    "星级评定结果",
                    "获评星级",
                    "评星结果",
                    "评定星级结果",
                    "认定星级",
                    "评定等次",
                    "评定星级(星)",
                    "所获星级",
                    "现星级",
                ),
                n.parse_level,
                True,
                "三星",
            ),
            Field(
                "weak_lax",
                "软弱涣散",
                ("是否软弱涣散", "软弱涣散党组织", "软弱涣散村"),
                n.parse_bool,
                False,
                "否",
            ),
        ),
        "每个村（社区）每年一行；各星列填 是/否（√/×、达标/未达标、1/0 均可），评定星级须等于所得星数。",
        star_columns=True,
    ),
    "tasks": KindSpec(
        "tasks",
        "任务完成情况",
        (
            *_UNIT,
            _YEAR,
            Field(
                "task_id", "任务编号", ("任务代码", "编号", "任务序号代码"), n.clean_text, example="U-BR-01"
            ),
            Field(
                "task_name",
                "任务名称",
                ("任务", "任务内容", "创建任务"),
                n.parse_text,
                example="书记“三好一严格”",
            ),
            Field(
                "met",
                "是否达标",
                ("达标情况", "完成情况", "结果", "是否完成", "达标"),
                n.parse_bool,
                True,
                "是",
            ),
        ),
        "每个村（社区）每项任务一行；任务按编号或名称（当年任务清单中的名称）匹配。",
    ),
    "monthly": KindSpec(
        "monthly",
        "月度进度",
        (
            *_UNIT,
            _YEAR,
            Field("month", "月份", ("月", "月度"), n.parse_int, True, 6),
            Field(
                "star", "星", ("星名称", "星别", "星项", "创建星", "星类"), n.clean_text, True, "支部过硬星"
            ),
            Field(
                "tasks_met",
                "已达标任务数",
                ("达标任务数", "已完成任务数", "完成任务数", "达标数"),
                n.parse_int,
                True,
                12,
            ),
            Field(
                "tasks_total",
                "任务总数",
                ("任务数", "总任务数"),
                n.parse_int,
                False,
                18,
                "可不填：按当年任务清单",
            ),
        ),
        "每个村（社区）每月每星一行。",
    ),
    "problems": KindSpec(
        "problems",
        "问题清单（整改台账）",
        (
            *_UNIT,
            _YEAR,
            Field("star", "所属星", ("星", "星别", "涉及星", "星项"), n.clean_text, False, "宜业兴业星"),
            Field(
                "task",
                "对应任务",
                ("任务", "任务编号", "任务名称", "涉及任务"),
                n.parse_text,
                False,
                "U-BU-02",
            ),
            Field(
                "problem",
                "问题描述",
                (
                    "问题",
                    "存在问题",
                    "问题内容",
                    "短板弱项",
                    "主要问题",
                    "存在的问题",
                    "问题清单",
                    "短板弱项问题",
                ),
                n.parse_text,
                True,
                "就业服务站未达标",
            ),
            Field(
                "helper",
                "帮扶单位",
                ("帮包单位", "责任单位", "帮扶责任单位", "包联单位", "帮扶部门"),
                n.parse_text,
                False,
                "区人社局",
            ),
            Field(
                "measure",
                "整改措施",
                ("措施", "整改举措", "帮扶措施"),
                n.parse_text,
                False,
                "设立社区就业服务站",
            ),
            Field(
                "deadline",
                "整改时限",
                ("完成时限", "时限", "整改期限", "完成时间", "整改时间", "整改时限要求", "销号时限"),
                n.parse_deadline,
                True,
                "2025-12-31",
            ),
            Field(
                "status",
                "整改状态",
                ("状态", "进度", "整改进度", "完成情况", "整改进展", "整改情况", "整改进展情况"),
                n.clean_text,
                False,
                "整改中",
                "未启动 / 整改中 / 已销号；可不填，改填“是否销号”",
            ),
            Field(
                "closed",
                "是否销号",
                ("销号情况", "是否已销号", "销号与否", "销号(打√)"),
                n.parse_bool,
                False,
                None,
                "是/√/已销号 表示已销号；空白表示未销号",
            ),
            Field("closed_on", "销号日期", ("销号时间", "完成销号日期"), n.parse_date, False, None),
        ),
        "每个问题一行；导入后，文件中出现的村（社区）当年的问题清单整体替换为文件内容。",
    ),
    "pairings": KindSpec(
        "pairings",
        "支部联建（结对）",
        (
            *_unit("strong", "帮带"),
            *_unit("weak", "受帮带"),
            Field("county", "县(市、区)", _UNIT[3].synonyms, n.clean_text, False, "源汇区"),
            Field(
                "township",
                "乡镇(街道)",
                _UNIT[2].synonyms,
                n.clean_text,
                False,
                None,
                "两村在同一乡镇时可只填此列",
            ),
            Field("kind", "联建类型", ("类型", "结对类型", "联建方式"), n.parse_text, False, "四星带三星"),
            Field(
                "since",
                "结对日期",
                ("结对时间", "开始时间", "联建时间", "结对日期"),
                n.parse_date,
                False,
                "2025-03-01",
            ),
        ),
        "每对一行；同一对已存在时更新类型和日期。",
    ),
    "locations": KindSpec(
        "locations",
        "村（社区）位置",
        (
            *_UNIT,
            Field("lon", "经度", ("lng", "lon", "longitude", "x", "东经"), n.parse_float, True, 114.0233),
            Field("lat", "纬度", ("lat", "latitude", "y", "北纬"), n.parse_float, True, 33.5713),
        ),
        "每个村（社区）一行，十进制度；坐标系按文件选择（WGS-84 / GCJ-02 / BD-09），"
        "导入时统一换算为 GCJ-02。",
    ),
}

PROBLEM_STATUS = {
    "未启动": "未启动",
    "未开始": "未启动",
    "整改中": "整改中",
    "正在整改": "整改中",
    "推进中": "整改中",
    "进行中": "整改中",
    "已销号": "已销号",
    "销号": "已销号",
    "已完成": "已销号",
    "完成": "已销号",
    "已整改": "已销号",
}
