"""Reading the values people actually type into county 台账 workbooks.

Every parser takes one raw cell (str, int, float, bool, datetime or None) and returns the
value or raises ``ValueError`` with a "中文 / English" explanation of what it expected. Blank cells
return ``None``: whether a blank is allowed is the schema's decision, not the parser's.
Text is NFKC-normalised first, which folds full-width digits, letters and brackets
(４ → 4, （ → ().
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

_SPACE = re.compile(r"\s+")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_LEVEL_ZERO = {"未评星", "无星", "未定星", "零星", "0星", "无", "未评"}
_TRUE = {
    "是",
    "√",
    "✓",
    "✔",
    "☑",
    "达标",
    "已达标",
    "合格",
    "通过",
    "1",
    "y",
    "yes",
    "true",
    "t",
    "有",
    "已获得",
    "获得",
    "已完成",
    "完成",
    "○",
    "已销号",
    "销号",
}
_FALSE = {
    "否",
    "×",
    "✗",
    "✘",
    "☒",
    "x",
    "未达标",
    "不达标",
    "不合格",
    "未通过",
    "0",
    "n",
    "no",
    "false",
    "f",
    "无",
    "未获得",
    "未完成",
    "/",
    "未销号",
}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_YES_NO = (
    "应为 是/否（或 √/×、1/0、达标/未达标） / Should be yes or no: “是/否”, √/×, 1/0 or “达标/未达标”"
    " (met/not met)"
)


def clean_text(value: Any) -> str | None:
    """Text with full-width forms folded and spaces (also inner, also U+3000) removed; blank → None."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    text = _SPACE.sub("", unicodedata.normalize("NFKC", str(value)))
    return text or None


def normalise_header(value: Any) -> str:
    """A header cell reduced for synonym matching: NFKC, no spaces, no '*' marks, lower case."""
    text = clean_text(value) or ""
    return text.replace("*", "").replace("：", "").replace(":", "").lower()


def parse_text(value: Any) -> str | None:
    """Free text (problem descriptions, measures) kept as the user wrote it: only the ends trimmed.

    Full-width punctuation (，；：), line breaks inside the cell and inner spacing stay; whole
    numbers read back from Excel as floats lose their ".0".
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().replace("\r\n", "\n").replace("\r", "\n")
    return text or None


MAX_INT = 1_000_000_000  # no count, year or month in these files comes near; beyond it is a slip


def parse_int(value: Any) -> int | None:
    """An integer written as 4, 4.0, "４" or " 4 "; 4.5, "四个" or 10^18 is an error."""
    if isinstance(value, bool):
        raise ValueError("应为整数，不是是/否 / Should be a whole number, not yes/no")
    if isinstance(value, int):
        return _bounded(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not value.is_integer():
            raise ValueError("应为整数 / Should be a whole number")
        return _bounded(int(value))
    text = clean_text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError("应为整数 / Should be a whole number") from None
    if not number.is_integer():
        raise ValueError("应为整数 / Should be a whole number")
    return _bounded(int(number))


def _bounded(number: int) -> int:
    if abs(number) > MAX_INT:
        raise ValueError(
            "数值过大，应为不超过 10 亿的整数 / Number too large: should be a whole number up to 1 billion"
        )
    return number


def parse_level(value: Any) -> int | None:
    """A star level 0–5 written as 4, "４", "四", "四星", "四星级", "4星" or "★★★★" (☆ counts as empty)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        if float(value).is_integer() and 0 <= value <= 5:
            return int(value)
        raise ValueError("星级应为 0–5 的整数 / The star level should be a whole number from 0 to 5")
    text = clean_text(value)
    if text is None:
        return None
    if text in _LEVEL_ZERO:
        return 0
    if set(text) <= {"★", "☆", "⭐"}:
        if len(text) > 5:
            raise ValueError("星级最多五颗星（★★★★★） / A star level has at most five stars (★★★★★)")
        return text.count("★") + text.count("⭐")
    text = re.sub(r"\([^()]*\)$", "", text)  # 三星（保） -> 三星
    text = re.sub(r"(党支部|支部|村|社区)$", "", text)  # 五星支部 -> 五星
    if set(text) <= {"★", "☆", "⭐"} and text:
        return parse_level(text)
    stem = re.sub(r"(星级|星|级)$", "", text)
    if stem.isdigit() and len(stem) == 1:
        number = int(stem)
    elif stem in _CN_DIGITS:
        number = _CN_DIGITS[stem]
    else:
        raise ValueError(
            "无法识别的星级，请写 0–5、“四星”“四星级”或“★★★★” / Unrecognised star level: write 0–5,"
            " “四星” (four stars), “四星级” or “★★★★”"
        )
    if number > 5:
        raise ValueError("星级应为 0–5 / The star level should be 0–5")
    return number


_BAD_TARGET = (
    "无法识别的创建目标，请写“四星”“争创五星”“保三冲四”等 / Unrecognised target: write “四星”"
    " (four stars), “争创五星” (aim for five) or “保三冲四” (keep three, aim for four)"
)
_TARGET_WORDS = re.compile(r"争创|创建|创评|巩固|保持|冲刺|达到|目标|争取|晋升|升|保|冲|争|创|评")


def parse_target(value: Any) -> int | None:
    """A target level as staff write it: 四星, 4, 争创五星, 保三冲四 (4), 冲五, 巩固四星, 创建二星, 保三冲四争五 (5).

    Where several levels are named (保三冲四) the highest is the target the unit strives for.
    """
    try:
        return parse_level(value)
    except ValueError:
        text = clean_text(value) or ""
        if not _TARGET_WORDS.search(text):
            raise
    rest = _TARGET_WORDS.sub(" ", re.sub(r"\([^()]*\)$", "", text))
    parts = [p for p in re.split(r"\s+", rest) if p]
    levels = []
    for part in parts:
        try:
            level = parse_level(part)
        except ValueError:
            level = None
        if level is None:
            raise ValueError(_BAD_TARGET)
        levels.append(level)
    if not levels:
        raise ValueError(_BAD_TARGET)
    return max(levels)


_PARTY_SUFFIX = re.compile(
    r"(党总支部委员会|党支部委员会|党委员会|党总支部|党总支|党支部|党委|总支部|总支|支部|党组织|两委)$"
)
_COMMITTEE = (("村民委员会", "村"), ("居民委员会", "社区"), ("村委会", "村"), ("居委会", "社区"))


def unit_stem(name: str) -> str:
    """A unit name as the NBS list writes it: 刘庄村党支部 -> 刘庄村, 新华社区党委 -> 新华社区, X村（居） -> X村."""
    text = clean_text(name) or ""
    for _ in range(2):
        text = _PARTY_SUFFIX.sub("", text)
        text = re.sub(r"\((居|村|社区|居委会)\)$", "", text)
    for long, short in _COMMITTEE:
        if text.endswith(long):
            text = text[: -len(long)] + ("" if text[: -len(long)].endswith(short) else short)
    return text


def parse_bool(value: Any) -> bool | None:
    """是/否 in its many spellings: √/×, 达标/未达标, 1/0, Y/N, TRUE/FALSE."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        if value in (0, 1):
            return bool(value)
        raise ValueError(_YES_NO)
    text = clean_text(value)
    if text is None:
        return None
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(_YES_NO)


def parse_float(value: Any) -> float | None:
    """A decimal number such as a longitude; "113.6°" and full-width digits are accepted."""
    if isinstance(value, bool):
        raise ValueError("应为数字 / Should be a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = clean_text(value)
        if text is None:
            return None
        try:
            number = float(text.rstrip("°"))
        except ValueError:
            raise ValueError(
                "应为数字（十进制度，如 113.62） / Should be a number in decimal degrees, e.g. 113.62"
            ) from None
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise ValueError("应为有限的数字 / Should be a finite number")
    return number


def parse_date(value: Any) -> dt.date | None:
    """A date as an Excel date, an Excel serial number, 2025-06-30, 2025/6/30, 2025.6.30 or 2025年6月30日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        if 20000 < value < 80000:  # Excel serial day (1954–2119)
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError("应为日期，如 2025-06-30 / Should be a date, e.g. 2025-06-30")
    text = clean_text(value)
    if text is None:
        return None
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?", text)
    if not match:
        month = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?(?:份)?", text)  # 2025年5月, 2025.5: the 1st
        if month and 1 <= int(month.group(2)) <= 12:
            return dt.date(int(month.group(1)), int(month.group(2)), 1)
        raise ValueError("应为日期，如 2025-06-30 / Should be a date, e.g. 2025-06-30")
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError("不是有效日期 / Not a valid date") from None


@dataclass(frozen=True)
class MonthEnd:
    """A deadline written as 10月底前 / 10月底 / 10月前: the end of that month of the file's year."""

    month: int


LONG_TERM = "长期"
_LONG_TERM = re.compile(r"^(长期|长期坚持|持续推进|持续|常态化|长效)")
_MONTH_END = re.compile(r"^(\d{1,2})月(底|末|份)?(前|以前|之前|完成)?$")


def parse_deadline(value: Any) -> dt.date | MonthEnd | str | None:
    """A deadline: any date :func:`parse_date` reads, 10月底前 (a :class:`MonthEnd`), or 长期坚持 (LONG_TERM)."""
    try:
        return parse_date(value)
    except ValueError:
        text = clean_text(value) or ""
        if _LONG_TERM.match(text):
            return LONG_TERM
        hit = _MONTH_END.match(text)
        if hit and 1 <= int(hit.group(1)) <= 12:
            return MonthEnd(int(hit.group(1)))
        raise ValueError(
            "应为日期（如 2025-06-30、2025年6月30日、10月底前）或“长期坚持”"
            " / Should be a date (e.g. 2025-06-30, “2025年6月30日”, “10月底前” = by the end of October)"
            " or “长期坚持” (ongoing)"
        ) from None


def parse_code(value: Any) -> str | None:
    """A 12-digit division code; Excel may have stored it as a number, which is fine if it is whole."""
    if isinstance(value, float) and not math.isnan(value) and value.is_integer():
        value = int(value)
    text = clean_text(value)
    if text is None:
        return None
    if re.fullmatch(r"\d(\.\d+)?e\+?\d+", text.lower()):
        raise ValueError(
            "代码被 Excel 写成了科学计数法（如 4.11102E+11），末几位已丢失。"
            "改法：把代码列设为“文本”格式后重新填写 12 位代码；或删去代码列，按村（社区）名称与乡镇匹配"
            " / The code was turned into scientific notation"
            " by Excel and its last digits are lost: format the column as text and re-enter the 12 digits, or"
            " delete the code column to match units by name"
        )
    if not (text.isascii() and text.isdigit()):
        raise ValueError("代码应为 12 位数字 / The code should be 12 digits")
    if len(text) != 12:
        raise ValueError(
            f"代码应为 12 位数字，这里是 {len(text)} 位"
            f" / The code should be 12 digits, this one has {len(text)}"
        )
    return text
