"""Colours and type shared by every chart, so levels look the same everywhere."""

from __future__ import annotations

# 五星 … 未评星: a red sequence (party-building red for the top), grey for unrated.
LEVEL_COLORS: dict[int, str] = {
    5: "#8E0E1F",
    4: "#C8102E",
    3: "#E8613C",
    2: "#F2A65A",
    1: "#F6D6A8",
    0: "#D0D0D0",
}
FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
TEXT_COLOR = "#262730"
