"""Regions and units built from the committed Henan NBS extract (xingtu.domain.hierarchy)."""

from __future__ import annotations

import pandas as pd
import pytest

from xingtu.domain.hierarchy import (
    PSEUDO_CITY,
    child_level,
    compute_regions,
    compute_units,
    region_level,
    region_prefix,
)
from xingtu.reference.divisions import load_divisions

PSEUDO_CITY_CODE = "419000000000"


@pytest.fixture(scope="module")
def divisions() -> pd.DataFrame:
    return load_divisions()


@pytest.fixture(scope="module")
def regions(divisions: pd.DataFrame) -> pd.DataFrame:
    return compute_regions(divisions)


@pytest.fixture(scope="module")
def units(divisions: pd.DataFrame) -> pd.DataFrame:
    return compute_units(divisions)


def _is_code(values: pd.Series) -> bool:
    return all(isinstance(c, str) and len(c) == 12 and c.isdigit() for c in values)


def test_region_counts(regions: pd.DataFrame) -> None:
    assert regions["level"].value_counts().to_dict() == {
        "township": 2_586,
        "county": 181,
        "city": 18,
        "province": 1,
    }
    assert regions.loc[regions["level"] == "province", ["code", "name"]].values.tolist() == [
        ["410000000000", "河南省"]
    ]


def test_pseudo_city_is_renamed_jiyuan(divisions: pd.DataFrame, regions: pd.DataFrame) -> None:
    assert divisions.loc[divisions["code"] == PSEUDO_CITY_CODE, "name"].item() == PSEUDO_CITY
    cities = regions[regions["level"] == "city"]
    assert cities.loc[cities["code"] == PSEUDO_CITY_CODE, "name"].item() == "济源市"
    assert PSEUDO_CITY not in set(regions["name"])
    assert "济源市" in set(cities["name"])
    assert cities["name"].is_unique
    county = regions[regions["code"] == "419001000000"]
    assert county[["name", "level", "parent_code", "kind"]].values.tolist() == [
        ["济源市", "county", PSEUDO_CITY_CODE, "city"]
    ]


def test_pseudo_city_with_several_counties_keeps_its_name() -> None:
    divisions = pd.DataFrame(
        {
            "code": ["990000000000", "999000000000", "999001000000", "999002000000"],
            "name": ["某省", PSEUDO_CITY, "甲市", "乙县"],
            "level": ["province", "city", "county", "county"],
            "parent_code": ["", "990000000000", "999000000000", "999000000000"],
        }
    )
    regions = compute_regions(divisions)
    assert regions.loc[regions["code"] == "999000000000", "name"].item() == PSEUDO_CITY
    assert divisions.loc[1, "name"] == PSEUDO_CITY  # input left untouched


def test_county_kinds(regions: pd.DataFrame) -> None:
    counties = regions[regions["level"] == "county"]
    zones = counties[counties["kind"] == "zone"]
    assert len(zones) == 24
    assert (zones["code"].str[4] == "7").all()
    assert (counties.loc[counties["kind"] != "zone", "code"].str[4] != "7").all()
    assert len(counties) - len(zones) == 157
    assert counties["kind"].value_counts().to_dict() == {"county": 82, "district": 54, "zone": 24, "city": 21}


def test_township_kinds(regions: pd.DataFrame) -> None:
    towns = regions[regions["level"] == "township"]
    assert towns["kind"].value_counts().to_dict() == {"town": 1_846, "street": 740}
    assert towns.loc[towns["kind"] == "street", "name"].str.endswith("街道").all()


def test_region_links(regions: pd.DataFrame) -> None:
    assert list(regions.columns) == [
        "code",
        "name",
        "level",
        "parent_code",
        "city_code",
        "county_code",
        "kind",
    ]
    assert _is_code(regions["code"])
    assert regions["code"].is_unique
    by_code = regions.set_index("code")
    below = regions[regions["level"] != "province"]
    assert below["parent_code"].isin(by_code.index).all()
    parent_levels = below["parent_code"].map(by_code["level"])
    expected_parent = below["level"].map({"city": "province", "county": "city", "township": "county"})
    assert (parent_levels == expected_parent).all()
    for code, parent in zip(below["code"], below["parent_code"], strict=True):
        assert code.startswith(region_prefix(parent))
    # Derived city/county columns.
    assert (below["city_code"] == below["code"].str[:4] + "00000000").all()
    assert below["city_code"].isin(by_code.index).all()
    lower = regions[regions["level"].isin(["county", "township"])]
    assert (lower["county_code"] == lower["code"].str[:6] + "000000").all()
    assert lower["county_code"].isin(by_code.index).all()
    assert (regions.loc[regions["level"] == "province", ["city_code", "county_code"]] == "").all().all()
    assert (regions.loc[regions["level"] == "city", "county_code"] == "").all()


def test_region_level_matches_data(divisions: pd.DataFrame) -> None:
    assert [region_level(c) for c in divisions["code"]] == divisions["level"].tolist()


def test_units(units: pd.DataFrame, regions: pd.DataFrame) -> None:
    assert len(units) == 52_378
    assert list(units.columns) == [
        "code",
        "name",
        "full_name",
        "unit_type",
        "township_code",
        "county_code",
        "city_code",
    ]
    assert units["code"].is_monotonic_increasing
    assert units["code"].is_unique
    assert units["unit_type"].value_counts().to_dict() == {"rural": 44_416, "urban": 7_962}
    levels = regions.set_index("code")["level"]
    for column, level in [("township_code", "township"), ("county_code", "county"), ("city_code", "city")]:
        assert _is_code(units[column]), column
        assert (units[column].map(levels) == level).all(), column
        prefixes = units[column].map(region_prefix)
        assert all(c.startswith(p) for c, p in zip(units["code"], prefixes, strict=True)), column
    assert _is_code(units["code"])


@pytest.mark.parametrize(
    ("code", "name", "full_name", "unit_type"),
    [
        pytest.param("410423105202", "霍庄村", "霍庄村民委员会", "rural", id="rural"),
        pytest.param("410105007004", "东风社区", "东风社区居民委员会", "urban", id="urban"),
        pytest.param("411025104010", "岳寨社区", "岳寨社区居民委委会", "urban", id="typo"),
        pytest.param("419001003017", "万泉社区", "万泉社区居民委会会", "urban", id="jiyuan"),
    ],
)
def test_unit_rows(units: pd.DataFrame, code: str, name: str, full_name: str, unit_type: str) -> None:
    row = units.set_index("code").loc[code]
    assert (row["name"], row["full_name"], row["unit_type"]) == (name, full_name, unit_type)
    assert row["township_code"] == code[:9] + "000"
    assert row["county_code"] == code[:6] + "000000"
    assert row["city_code"] == code[:4] + "00000000"


@pytest.mark.parametrize(
    ("code", "level", "prefix"),
    [
        pytest.param("410000000000", "province", "41", id="province"),
        pytest.param("410100000000", "city", "4101", id="city"),
        pytest.param("419000000000", "city", "4190", id="pseudo-city"),
        pytest.param("410102000000", "county", "410102", id="county"),
        pytest.param("410171000000", "county", "410171", id="zone"),
        pytest.param("419001000000", "county", "419001", id="jiyuan-county"),
        pytest.param("410102001000", "township", "410102001", id="township"),
        pytest.param("410102001002", "village", "410102001002", id="village"),
        pytest.param("410225401598", "village", "410225401598", id="special-village"),
    ],
)
def test_region_level_and_prefix(code: str, level: str, prefix: str) -> None:
    assert region_level(code) == level
    assert region_prefix(code) == prefix


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("", id="empty"),
        pytest.param("41", id="province-prefix-only"),
        pytest.param("41010000000", id="11-digits"),
        pytest.param("4101000000000", id="13-digits"),
        pytest.param("41010000000a", id="letter"),
        pytest.param(" 41010000000", id="leading-space"),
        pytest.param("4101-0000000", id="dash"),
        pytest.param("41010000000.", id="dot"),
    ],
)
@pytest.mark.parametrize("func", [region_level, region_prefix], ids=["region_level", "region_prefix"])
def test_invalid_codes_raise(func, code: str) -> None:
    with pytest.raises(ValueError, match="12 位数字"):
        func(code)


def test_full_width_digits_raise() -> None:
    with pytest.raises(ValueError, match="12 位数字"):
        region_level("４１００００００００００")


@pytest.mark.parametrize(
    ("level", "child"),
    [
        pytest.param("province", "city", id="province"),
        pytest.param("city", "county", id="city"),
        pytest.param("county", "township", id="county"),
        pytest.param("township", "village", id="township"),
    ],
)
def test_child_level(level: str, child: str) -> None:
    assert child_level(level) == child


def test_child_level_unknown() -> None:
    with pytest.raises(ValueError):
        child_level("district")
