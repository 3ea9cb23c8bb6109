"""Read the committed NBS division extract (see data/build_divisions.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from xingtu.settings import get_settings


def load_divisions(path: Path | None = None) -> pd.DataFrame:
    """All division rows of the configured province, codes as 12-digit strings."""
    path = path or get_settings().divisions_path
    if not path.exists():
        raise FileNotFoundError(
            f"找不到区划数据 {path}：请先运行 python data/build_divisions.py --province <代码>"
        )
    df = pd.read_parquet(path)
    return df.astype({"code": str, "name": str, "level": str, "parent_code": str})
