"""Turn the raw NBS division rows into regions and units.

Pure: takes the extract as a DataFrame (see ``xingtu.reference.divisions``).
"""

from __future__ import annotations

import pandas as pd

from xingtu.domain.units import classify_unit, county_kind, short_name

# NBS groups counties governed directly by the province under a pseudo-city.
PSEUDO_CITY = "省直辖县级行政区划"


def compute_regions(divisions: pd.DataFrame) -> pd.DataFrame:
    """Province, cities, counties and townships with parent links and display names.

    Columns: code, name, level, parent_code, city_code, county_code, kind.
    A pseudo-city with a single county child (济源市 in Henan) takes that child's name.
    """
    df = divisions[divisions["level"] != "village"].copy()
    counties = df[df["level"] == "county"]
    for idx, row in df[(df["level"] == "city") & (df["name"] == PSEUDO_CITY)].iterrows():
        children = counties[counties["parent_code"] == row["code"]]
        if len(children) == 1:
            df.loc[idx, "name"] = children["name"].iloc[0]
    df["city_code"] = df["code"].str[:4].str.ljust(12, "0").where(df["level"] != "province", "")
    df["county_code"] = (
        df["code"].str[:6].str.ljust(12, "0").where(df["level"].isin(["county", "township"]), "")
    )
    df["kind"] = df["level"].astype(str)
    is_county = df["level"] == "county"
    df.loc[is_county, "kind"] = [
        county_kind(c, n) for c, n in zip(df.loc[is_county, "code"], df.loc[is_county, "name"], strict=False)
    ]
    is_town = df["level"] == "township"
    df.loc[is_town, "kind"] = ["street" if n.endswith("街道") else "town" for n in df.loc[is_town, "name"]]
    cols = ["code", "name", "level", "parent_code", "city_code", "county_code", "kind"]
    return df[cols].reset_index(drop=True)


def compute_units(divisions: pd.DataFrame) -> pd.DataFrame:
    """Village-level units with type and short name.

    Columns: code, name, full_name, unit_type, township_code, county_code, city_code.
    """
    towns = divisions.loc[divisions["level"] == "township", ["code", "name"]].set_index("code")["name"]
    v = divisions[divisions["level"] == "village"]
    town_names = v["parent_code"].map(towns).fillna("")
    types = [classify_unit(c, n, t) for c, n, t in zip(v["code"], v["name"], town_names, strict=False)]
    out = pd.DataFrame(
        {
            "code": v["code"].to_numpy(),
            "name": [short_name(n, t) for n, t in zip(v["name"], types, strict=False)],
            "full_name": v["name"].to_numpy(),
            "unit_type": types,
            "township_code": v["parent_code"].to_numpy(),
            "county_code": v["code"].str[:6].str.ljust(12, "0").to_numpy(),
            "city_code": v["code"].str[:4].str.ljust(12, "0").to_numpy(),
        }
    )
    return out.sort_values("code").reset_index(drop=True)


REGION_LEVELS = ("province", "city", "county", "township", "village")
_PREFIX_LEN = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


def region_level(code: str) -> str:
    """Level of a 12-digit NBS code, read from its trailing zeros."""
    if len(code) != 12 or not (code.isascii() and code.isdigit()):
        raise ValueError(f"区划代码应为 12 位数字，当前为 {code!r}")
    for level in ("province", "city", "county", "township"):
        n = _PREFIX_LEN[level]
        if code[n:] == "0" * (12 - n):
            return level
    return "village"


def region_prefix(code: str) -> str:
    """The significant digits of a region code: every unit inside starts with them."""
    return code[: _PREFIX_LEN[region_level(code)]]


def child_level(level: str) -> str:
    """The level one below ``level``."""
    return REGION_LEVELS[REGION_LEVELS.index(level) + 1]


def prefix_len(level: str) -> int:
    return _PREFIX_LEN[level]
