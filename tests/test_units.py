"""Unit type rule and short names (xingtu.domain.units), on real names from the NBS extract.

Codes and names below are copied from data/reference/divisions-41.parquet unless the
case id says "synthetic".
"""

from __future__ import annotations

import pandas as pd
import pytest

from xingtu.domain.units import classify_unit, county_kind, short_name
from xingtu.settings import DATA_DIR

DIVISIONS_PATH = DATA_DIR / "reference" / "divisions-41.parquet"


@pytest.fixture(scope="module")
def villages() -> pd.DataFrame:
    """Every village-level row with its township's name and the derived type and short name."""
    df = pd.read_parquet(DIVISIONS_PATH).astype({"code": str, "name": str, "level": str, "parent_code": str})
    towns = df.loc[df["level"] == "township"].set_index("code")["name"]
    v = df.loc[df["level"] == "village", ["code", "name", "parent_code"]].copy()
    v["township"] = v["parent_code"].map(towns).fillna("")
    v["number"] = v["code"].str[9:12].astype(int)
    v["unit_type"] = [
        classify_unit(c, n, t) for c, n, t in zip(v["code"], v["name"], v["township"], strict=True)
    ]
    v["short"] = [short_name(n, t) for n, t in zip(v["name"], v["unit_type"], strict=True)]
    return v.reset_index(drop=True)


# (code, name, township_name, expected type)
CLASSIFY_CASES = [
    # Rule 1: the NBS number (digits 10–12) decides, typos or not.
    pytest.param("410423105202", "霍庄村民委员会", "", "rural", id="村民委员会-202"),
    pytest.param("410621105216", "东风村村民委员会", "", "rural", id="X村村民委员会-216"),
    pytest.param("411481109226", "东风村委会", "", "rural", id="村委会-226"),
    pytest.param("410105007004", "东风社区居民委员会", "", "urban", id="社区居民委员会-004"),
    pytest.param("410102001002", "碧沙岗社区居委会", "", "urban", id="社区居委会-002"),
    pytest.param("410102001015", "光合花园社区", "", "urban", id="社区-015"),
    pytest.param("411025104010", "岳寨社区居民委委会", "", "urban", id="typo-居民委委会-010"),
    pytest.param("410329110214", "王耆店村村委员会", "", "rural", id="typo-村村委员会-214"),
    pytest.param("410772001201", "第伍疃村村民委员民", "", "rural", id="typo-村民委员民-201"),
    pytest.param("411330102201", "闫庄村民委员会会", "", "rural", id="typo-村民委员会会-201"),
    pytest.param("419001003017", "万泉社区居民委会会", "", "urban", id="typo-居民委会会-017"),
    pytest.param("410173204200", "岗李村", "", "rural", id="bare-村-200"),
    pytest.param("410102001199", "霍庄村民委员会", "某镇", "urban", id="synthetic-199-number-beats-name"),
    pytest.param(
        "410102001200", "东风社区居民委员会", "某街道", "rural", id="synthetic-200-number-beats-name"
    ),
    pytest.param("410102001399", "东风社区居民委员会", "某街道", "rural", id="synthetic-399-upper-bound"),
    pytest.param("410102001001", "霍庄村民委员会", "某镇", "urban", id="synthetic-001-lower-bound"),
    # Rule 2: numbers from 400 are special units; the name decides.
    pytest.param("410105010400", "东风路科技市场拟社区", "东风路街道", "urban", id="special-拟社区"),
    pytest.param("410221401498", "虚拟村村委会虚拟社区", "工业园区", "urban", id="special-虚拟社区"),
    pytest.param("410225401598", "虚拟生活区", "仪封园艺场", "urban", id="special-虚拟生活区"),
    pytest.param("411622405521", "尹坡行政村生活区", "黄泛区农场", "urban", id="special-行政村生活区"),
    pytest.param("410926100400", "城关镇老城第一类似居委会", "城关镇", "urban", id="special-居委会-under-镇"),
    pytest.param("410172160401", "西湖春天社区居委会", "石佛镇", "urban", id="special-社区居委会"),
    pytest.param("410221401499", "某某村委会", "某某街道", "rural", id="synthetic-special-村委会-under-街道"),
    pytest.param("410221401500", "某某村民委员会", "某某街道", "rural", id="synthetic-special-村民委员会"),
    pytest.param("410221401501", "某某新村", "某某街道", "rural", id="synthetic-special-ends-村"),
    pytest.param("410221401502", "某某小区", "某某镇", "urban", id="synthetic-special-小区"),
    pytest.param(
        "410221401503", "某某村委会（原某某林场）", "某某街道", "rural", id="synthetic-special-note-stripped"
    ),
    # Rule 3: no number rule and no telling name -> the township decides.
    pytest.param("411330100400", "桐柏山淮源风景名胜管理区", "城关镇", "rural", id="township-镇-real"),
    pytest.param("411330100400", "桐柏山淮源风景名胜管理区", "城关街道", "urban", id="township-街道"),
    pytest.param("419001100499", "某某管理处", "某某办事处", "urban", id="synthetic-township-办事处"),
    pytest.param("419001100499", "某某管理处", "某某街道筹备组", "urban", id="synthetic-township-街道筹备组"),
    pytest.param("419001100499", "某某管理处", " 某某街道 ", "urban", id="synthetic-township-padded"),
    pytest.param("419001100499", "某某管理处", "某某乡", "rural", id="synthetic-township-乡"),
    pytest.param("419001100499", "某某管理处", "", "rural", id="synthetic-township-unknown"),
    pytest.param("4190011004", "某某管理处", "某某街道", "urban", id="synthetic-short-code-township"),
    pytest.param("419001100000", "某某管理处", "某某镇", "rural", id="synthetic-number-000-township"),
]


@pytest.mark.parametrize(("code", "name", "township", "expected"), CLASSIFY_CASES)
def test_classify_unit(code: str, name: str, township: str, expected: str) -> None:
    assert classify_unit(code, name, township) == expected


# (full name, unit type passed, expected short name)
SHORT_NAME_CASES = [
    pytest.param("霍庄村民委员会", "rural", "霍庄村", id="村民委员会"),
    pytest.param("霍庄村民委员会", None, "霍庄村", id="村民委员会-no-type"),
    pytest.param("东风村村民委员会", "rural", "东风村", id="X村村民委员会"),
    pytest.param("东风路白庙村村民委员会", "rural", "东风路白庙村", id="X村村民委员会-long"),
    pytest.param("东风村委会", "rural", "东风村", id="X村委会"),
    pytest.param("东风社区居民委员会", "urban", "东风社区", id="社区居民委员会"),
    pytest.param("碧沙岗社区居委会", "urban", "碧沙岗社区", id="社区居委会"),
    pytest.param("卫城居委会", "urban", "卫城社区", id="X居委会"),
    pytest.param("亚星社区居民管理委员会", "urban", "亚星社区", id="居民管理委员会"),
    pytest.param("福华南街社区委员会", "urban", "福华南街社区", id="社区委员会"),
    pytest.param("光合花园社区", "urban", "光合花园社区", id="already-short"),
    pytest.param("岗李村", "rural", "岗李村", id="already-short-村"),
    pytest.param("虚拟生活区", "urban", "虚拟生活区", id="生活区-unchanged"),
    pytest.param("岳寨社区居民委委会", "urban", "岳寨社区", id="typo-居民委委会"),
    pytest.param("王耆店村村委员会", "rural", "王耆店村", id="typo-村村委员会"),
    pytest.param("第伍疃村村民委员民", "rural", "第伍疃村", id="typo-村民委员民"),
    pytest.param("二郎村村民员委会", "rural", "二郎村", id="typo-村民员委会"),
    pytest.param("前谢村村民委会", "rural", "前谢村", id="typo-村民委会"),
    pytest.param("西彭庄村民村委员会", "rural", "西彭庄村", id="typo-民村委员会"),
    pytest.param("张桥村员委员会", "rural", "张桥村", id="typo-员委员会"),
    pytest.param("白龙二村街民委员会", "rural", "白龙二村", id="typo-街民委员会-rural"),
    pytest.param("杨岗村村民委员会（新乡市古龙实业公司））", "rural", "杨岗村", id="note-fullwidth-real"),
    pytest.param("东风社区居民委员会(筹)", "urban", "东风社区", id="note-halfwidth-synthetic"),
    pytest.param("  霍庄村民委员会  ", "rural", "霍庄村", id="padded-synthetic"),
]


@pytest.mark.parametrize(("name", "unit_type", "expected"), SHORT_NAME_CASES)
def test_short_name(name: str, unit_type: str | None, expected: str) -> None:
    assert short_name(name, unit_type) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 17 real units end in 居民居委会, e.g. 410105001003, 411571001001.
        pytest.param("体育社区居民居委会", "体育社区", id="居民居委会-410105001003"),
        pytest.param("刘洼社区居民居委会", "刘洼社区", id="居民居委会-411571001001"),
        pytest.param("贾寨社区管理委员会", "贾寨社区", id="管理委员会-410103014005"),
        pytest.param("益民街社区居委员会", "益民街社区", id="居委员会-411082003004"),
        pytest.param("戴洼社区民居委员会", "戴洼社区", id="民居委员会-411522104003"),
    ],
)
def test_short_name_urban_typo_forms(name: str, expected: str) -> None:
    assert short_name(name, "urban") == expected


@pytest.mark.parametrize(
    ("name", "unit_type", "expected"),
    [
        pytest.param("闫庄村民委员会会", "rural", "闫庄村", id="村民委员会会-411330102201"),
        pytest.param("东崔庄村民委员会委会", "rural", "东崔庄村", id="村民委员会委会-410421101218"),
        pytest.param("万泉社区居民委会会", "urban", "万泉社区", id="居民委会会-419001003017"),
    ],
)
def test_short_name_unhandled_typo_forms(name: str, unit_type: str, expected: str) -> None:
    assert short_name(name, unit_type) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        pytest.param("410171000000", "郑州经济技术开发区", "zone", id="zone-ends-区"),
        pytest.param("410173000000", "郑州航空港经济综合实验区", "zone", id="zone-航空港"),
        pytest.param("410971000000", "河南濮阳工业园区", "zone", id="zone-工业园区"),
        pytest.param("410102000000", "中原区", "district", id="district"),
        pytest.param("410181000000", "巩义市", "city", id="county-level-city"),
        pytest.param("419001000000", "济源市", "city", id="济源市"),
        pytest.param("410122000000", "中牟县", "county", id="county"),
    ],
)
def test_county_kind(code: str, name: str, expected: str) -> None:
    assert county_kind(code, name) == expected


def test_whole_province_type_counts(villages: pd.DataFrame) -> None:
    assert len(villages) == 52_378
    counts = villages["unit_type"].value_counts().to_dict()
    assert counts == {"rural": 44_416, "urban": 7_962}

    number = villages["number"]
    by_urban_number = villages[(number >= 1) & (number <= 199)]
    by_rural_number = villages[(number >= 200) & (number <= 399)]
    special = villages[number >= 400]
    assert (number >= 1).all()
    assert (len(by_urban_number), len(by_rural_number), len(special)) == (7_771, 44_415, 192)
    assert (by_urban_number["unit_type"] == "urban").all()
    assert (by_rural_number["unit_type"] == "rural").all()
    assert special["unit_type"].value_counts().to_dict() == {"urban": 191, "rural": 1}
    # The one rural special unit is decided by its township (城关镇), not by its name.
    assert special.loc[special["unit_type"] == "rural", "code"].tolist() == ["411330100400"]


def test_whole_province_short_names(villages: pd.DataFrame) -> None:
    ends_ok = villages["short"].str.endswith(("村", "社区"))
    assert ends_ok.mean() >= 0.99
    rural = villages[villages["unit_type"] == "rural"]
    assert rural["short"].str.endswith("村").mean() >= 0.999
    assert (villages["short"].str.len() <= villages["name"].str.strip().str.len()).all()
