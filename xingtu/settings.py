"""Where things live, and which province the build is for.

Everything here can be overridden by environment variables so that tests, CI and
another province's deployment need no code change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
GEO_DIR = ROOT / "geo"


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one process."""

    province: str
    store_dir: Path
    standard_dir: Path

    @property
    def divisions_path(self) -> Path:
        return DATA_DIR / "reference" / f"divisions-{self.province}.parquet"

    @property
    def geo_dir(self) -> Path:
        return GEO_DIR / self.province


def get_settings() -> Settings:
    """Read settings from the environment (XINGTU_PROVINCE, XINGTU_STORE_DIR, XINGTU_STANDARD_DIR)."""
    province = os.environ.get("XINGTU_PROVINCE", "41").strip()
    if not (len(province) == 2 and province.isdigit()):
        raise ValueError(f"XINGTU_PROVINCE 应为两位数字省级代码（如 41），当前为 {province!r}")
    store_dir = Path(os.environ.get("XINGTU_STORE_DIR", ROOT / "var"))
    standard_dir = Path(os.environ.get("XINGTU_STANDARD_DIR", DATA_DIR / "standard"))
    return Settings(province=province, store_dir=store_dir, standard_dir=standard_dir)
