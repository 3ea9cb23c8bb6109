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
# What the base store holds besides the reference data: the generated sample results, or
# nothing (a real-data-only deployment, filled by imports).
DATASETS = ("sample", "empty")


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one process."""

    province: str
    store_dir: Path
    standard_dir: Path
    counties: tuple[str, ...] = ()  # empty: the whole province
    users_file: Path | None = None  # accounts (TOML, argon2 hashes); default: <store_dir>/users.toml
    audit_file: Path | None = None  # audit log (JSON lines); default: <store_dir>/audit.jsonl
    dataset: str = "sample"  # one of DATASETS: the base store's results (sample) or none (empty)

    @property
    def users_path(self) -> Path:
        return self.users_file or self.store_dir / "users.toml"

    @property
    def audit_path(self) -> Path:
        return self.audit_file or self.store_dir / "audit.jsonl"

    @property
    def divisions_path(self) -> Path:
        return DATA_DIR / "reference" / f"divisions-{self.province}.parquet"

    @property
    def geo_dir(self) -> Path:
        return GEO_DIR / self.province


def get_settings() -> Settings:
    """Read settings from the environment.

    XINGTU_PROVINCE (two digits, default 41), XINGTU_STORE_DIR (default ./var),
    XINGTU_STANDARD_DIR (default data/standard), XINGTU_COUNTIES (comma-separated
    12-digit county codes: a deployment limited to those counties; default all),
    XINGTU_USERS_FILE (accounts; none: a read-only demo session), XINGTU_AUDIT_FILE and
    XINGTU_DATASET (``sample``, the default: generated sample results; ``empty``: real
    divisions, boundaries and standard with no results, filled by imports).
    """
    province = os.environ.get("XINGTU_PROVINCE", "41").strip()
    if not (len(province) == 2 and province.isascii() and province.isdigit()):
        raise ValueError(f"XINGTU_PROVINCE 应为两位数字省级代码（如 41），当前为 {province!r}")
    store_dir = Path(os.environ.get("XINGTU_STORE_DIR", ROOT / "var"))
    standard_dir = Path(os.environ.get("XINGTU_STANDARD_DIR", DATA_DIR / "standard"))
    counties = tuple(c.strip() for c in os.environ.get("XINGTU_COUNTIES", "").split(",") if c.strip())
    for code in counties:
        if not (len(code) == 12 and code.isascii() and code.isdigit() and code.startswith(province)):
            raise ValueError(f"XINGTU_COUNTIES 中的 {code!r} 不是本省（{province}）的 12 位县级代码")
    dataset = os.environ.get("XINGTU_DATASET", "").strip().lower() or "sample"
    if dataset not in DATASETS:
        raise ValueError(
            f"XINGTU_DATASET 应为 sample（样例数据）或 empty（仅真实数据，从空库开始），当前为 {dataset!r}"
        )
    users = os.environ.get("XINGTU_USERS_FILE", "").strip()
    audit = os.environ.get("XINGTU_AUDIT_FILE", "").strip()
    return Settings(
        province=province,
        store_dir=store_dir,
        standard_dir=standard_dir,
        counties=counties,
        users_file=Path(users) if users else None,
        audit_file=Path(audit) if audit else None,
        dataset=dataset,
    )
