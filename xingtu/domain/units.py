"""Unit naming and the rural/urban type rule.

The NBS urban–rural class code (城乡分类代码) is not in the source package, so the type
is derived. Rule, first match wins:

1. The NBS coding rule for village-level codes: digits 10–12 in 001–199 are 居民委员会
   (urban community), 200–399 村民委员会 (rural village). This is how NBS numbers them
   and it is immune to typos in names (the 2023 list has 居民委会, 村委员会 …).
2. Numbers from 400 are special units (虚拟社区, 农场/林场生活区, 厂矿社区) under development
   zones and state farms; for them the name decides: ending in 村民委员会/村委会/村 ->
   rural; 居民委员会/居委会/社区/生活区/小区 -> urban.
3. Otherwise the township decides: a 街道 / 办事处 -> urban, else rural.
"""

from __future__ import annotations

import re
from typing import Literal

UnitType = Literal["rural", "urban"]
UNIT_TYPES: tuple[UnitType, ...] = ("rural", "urban")
UNIT_TYPE_LABELS: dict[str, str] = {"rural": "村", "urban": "社区"}

_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]+$")
# Committee forms as the NBS list spells them, typos included; matched longest first so
# that 体育社区居民居委会 loses 居民居委会, not just 居委会.
_RURAL_FORMS = tuple(
    sorted(
        (
            "村民委员会",
            "村民委员会会",
            "村民委员会委会",
            "村民员委会",
            "村民委员民",
            "民村委员会",
            "村委员会",
            "村民委会",
            "村委会",
            "员委员会",
        ),
        key=len,
        reverse=True,
    )
)
_URBAN_FORMS = tuple(
    sorted(
        (
            "居民管理委员会",
            "管理委员会",
            "居民委员会",
            "居民居委会",
            "居民委委会",
            "居民委会会",
            "居民委会",
            "居委员会",
            "民居委员会",
            "居委会",
            "街民委员会",
            "委员会",
        ),
        key=len,
        reverse=True,
    )
)
_URBAN_ENDINGS = ("社区", "生活区", "小区")
_URBAN_TOWNSHIPS = ("街道", "办事处", "街道筹备组")


def classify_unit(code: str, name: str, township_name: str = "") -> UnitType:
    """Rural village or urban community, by the documented rule above."""
    digits = code[9:12]
    number = int(digits) if len(code) == 12 and digits.isascii() and digits.isdigit() else 0
    if 1 <= number <= 199:
        return "urban"
    if 200 <= number <= 399:
        return "rural"
    name = _TRAILING_NOTE.sub("", name.strip())
    if name.endswith(_RURAL_FORMS) or name.endswith("村"):
        return "rural"
    if name.endswith(_URBAN_FORMS) or name.endswith(_URBAN_ENDINGS):
        return "urban"
    return "urban" if township_name.strip().endswith(_URBAN_TOWNSHIPS) else "rural"


def short_name(name: str, unit_type: UnitType | None = None) -> str:
    """The name people say: 霍庄村民委员会 -> 霍庄村, 东风社区居民委员会 -> 东风社区."""
    name = _TRAILING_NOTE.sub("", name.strip())
    rural = next((f for f in _RURAL_FORMS if name.endswith(f) and len(name) > len(f)), None)
    if rural:
        base = name[: -len(rural)]
        return base if base.endswith("村") else base + "村"
    urban = next((f for f in _URBAN_FORMS if name.endswith(f) and len(name) > len(f)), None)
    if urban:
        base = name[: -len(urban)]
        return base if base.endswith(("社区", "村")) or unit_type == "rural" else base + "社区"
    return name


def county_kind(code: str, name: str) -> str:
    """County-level unit kind: zone (功能区, NBS code 7x, no polygon), district, city or county."""
    if code[4] == "7":
        return "zone"
    if name.endswith("区"):
        return "district"
    if name.endswith("市"):
        return "city"
    return "county"
