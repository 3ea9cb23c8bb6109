"""Unit search: ranking rules on a hand-made index, and a few checks on the small store."""

from __future__ import annotations

import pandas as pd
import pytest

from xingtu.domain.search import (
    RESULT_COLUMNS,
    compute_search,
    normalize_query,
    prepare_search_index,
)
from xingtu.store.queries import query_unit_index

# (code, name, full_name, unit_type, township, county, city)
_UNITS = [
    ("410101001201", "霍庄村", "霍庄村民委员会", "rural", "城关镇", "甲县", "甲市"),
    ("410202003204", "霍庄村", "霍庄村委会", "rural", "尧山镇", "乙县", "乙市"),
    ("410101001202", "小霍庄村", "小霍庄村民委员会", "rural", "城关镇", "甲县", "甲市"),
    ("410202003205", "霍庄新村", "霍庄新村民委员会", "rural", "尧山镇", "乙县", "乙市"),
    ("410101001203", "霍楼村", "霍楼村民委员会", "rural", "城关镇", "甲县", "甲市"),
    ("410101002201", "王庄村", "王庄村民委员会", "rural", "城关乡", "甲县", "甲市"),
    ("410202003206", "王庄村", "王庄村民委员会", "rural", "尧山镇", "乙县", "乙市"),
    ("410101001001", "东风社区", "东风社区居民委员会", "urban", "城关镇", "甲县", "甲市"),
    ("410303004001", "御井社区", "御井社区居委会", "urban", "城关镇", "丙县", "丙市"),
    ("410303004002", "御井社区", "御井社区居委会", "urban", "城关镇", "丙县", "丙市"),
    ("410102001002", "碧沙岗社区", "碧沙岗社区居委会", "urban", "林山寨街道", "中原区", "郑州市"),
    ("410202005207", "熊楼村", "熊楼村民委员会", "rural", "张良镇", "乙县", "乙市"),
    ("410202005208", "丘村", "丘村民委员会", "rural", "张良镇", "乙县", "乙市"),
]


@pytest.fixture(scope="module")
def index() -> pd.DataFrame:
    cols = ["code", "name", "full_name", "unit_type", "township", "county", "city"]
    return pd.DataFrame(_UNITS, columns=cols)


def _codes(res: pd.DataFrame) -> list[str]:
    return list(res["code"])


@pytest.mark.parametrize(
    ("query", "first", "match"),
    [
        ("霍庄村", ["410101001201", "410202003204"], "exact"),  # both 霍庄村, in code order
        ("霍庄", ["410101001201", "410202003204"], "exact"),  # query + 村 is the name
        ("霍莊村", ["410101001201", "410202003204"], "exact"),  # traditional 莊 folded
        ("霍庄村民委员会", ["410101001201"], "exact"),  # the NBS full name
        ("  霍庄村\u3000", ["410101001201", "410202003204"], "exact"),  # full-width space trimmed
        ("霍庄付", ["410101001201", "410202003204"], "fuzzy"),  # one wrong character
        ("霍庄寸", ["410101001201", "410202003204"], "fuzzy"),
        ("碧沙社区", ["410102001002"], "fuzzy"),  # one missing character
        ("碧沙刚社区", ["410102001002"], "fuzzy"),
        ("熊村", ["410202005207"], "fuzzy"),  # keeps the first character: 熊楼村 before 丘村
        ("霍庄 尧山镇", ["410202003204"], "exact"),  # narrowed by township
        ("尧山镇 霍庄", ["410202003204"], "exact"),  # place word first
        ("霍庄 乙县", ["410202003204"], "exact"),  # by county
        ("尧山镇霍庄村", ["410202003204"], "exact"),  # run together
        ("霍庄村 · 城关镇 · 甲县", ["410101001201"], "exact"),  # a pasted label
        ("霍 庄", ["410101001201", "410202003204"], "exact"),  # one character is no place word
        ("东风", ["410101001001"], "exact"),  # query + 社区
        ("410202003204", ["410202003204"], "code"),
        ("４１０２０２００３２０４", ["410202003204"], "code"),  # full-width digits
        ("410202 003 204", ["410202003204"], "code"),
    ],
)
def test_best_matches(index, query, first, match):
    res = compute_search(index, query)
    assert _codes(res)[: len(first)] == first
    assert set(res["match"][: len(first)]) == {match}
    assert res["score"].is_monotonic_decreasing


def test_substring_lists_every_name_containing_it_after_exact_ones(index):
    res = compute_search(index, "霍庄", limit=20)
    containing = [c for c, n, *_ in _UNITS if "霍庄" in n]
    assert set(_codes(res)) >= set(containing)
    # exact (霍庄村) first, then 霍庄新村 (starts with it), then 小霍庄村 (contains it), then fuzzy
    assert list(res["match"][:4]) == ["exact", "exact", "prefix", "contains"]
    assert list(res["name"][:4]) == ["霍庄村", "霍庄村", "霍庄新村", "小霍庄村"]
    assert (res["match"][4:] == "fuzzy").all()


def test_narrowing_by_place_drops_other_places(index):
    res = compute_search(index, "霍庄 城关镇")
    assert set(res["township"]) == {"城关镇"}
    assert _codes(res)[:2] == ["410101001201", "410101001202"]
    assert compute_search(index, "霍庄 不存在镇").empty


def test_place_word_stem_widens_to_similar_townships(index):
    # 城关 matches both 城关镇 and 城关乡: 王庄村 in 城关乡, not the one in 尧山镇
    assert _codes(compute_search(index, "王庄 城关"))[:1] == ["410101002201"]
    assert "410202003206" not in _codes(compute_search(index, "王庄 城关"))


def test_code_prefix_lists_units_under_a_region(index):
    res = compute_search(index, "410202")
    assert _codes(res) == sorted(c for c, *_ in _UNITS if c.startswith("410202"))
    assert set(res["match"]) == {"code_prefix"}
    assert compute_search(index, "4102").empty  # too short to mean a region
    assert compute_search(index, "410202003999").empty  # no such unit


@pytest.mark.parametrize("query", ["", "   ", "\u3000\t", "·", None])
def test_empty_query_gives_empty_frame(index, query):
    res = compute_search(index, query)
    assert res.empty and list(res.columns) == RESULT_COLUMNS


def test_no_match_gives_empty_frame(index):
    assert compute_search(index, "完全无关的名字").empty


def test_labels_disambiguate_same_names(index):
    res = compute_search(index, "霍庄村")
    labels = dict(zip(res["code"], res["label"], strict=True))
    assert labels["410101001201"] == "霍庄村 · 城关镇 · 甲县"
    assert labels["410202003204"] == "霍庄村 · 尧山镇 · 乙县"
    # same name in the same township: the code tells them apart
    yujing = compute_search(index, "御井社区")
    assert list(yujing["label"][:2]) == [
        "御井社区 · 城关镇 · 丙县 · 410303004001",
        "御井社区 · 城关镇 · 丙县 · 410303004002",
    ]
    assert res["label"].is_unique and yujing["label"].is_unique


def test_limit(index):
    assert len(compute_search(index, "村", limit=3)) == 3
    assert compute_search(index, "村", limit=0).empty
    assert len(compute_search(index, "村", limit=10_000)) == sum("村" in n for _, n, *_ in _UNITS)


def test_prepared_index_gives_the_same_results(index):
    prepared = prepare_search_index(index)
    for query in ("霍庄", "霍庄付", "王庄 城关", "410202"):
        pd.testing.assert_frame_equal(compute_search(prepared, query), compute_search(index, query))


def test_index_must_have_the_needed_columns():
    with pytest.raises(ValueError, match="缺少列"):
        compute_search(pd.DataFrame({"code": ["410101001201"], "name": ["霍庄村"]}), "霍庄")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("  霍庄\u3000村 ", "霍庄 村"), ("４１０１", "4101"), ("霍莊", "霍庄"), ("ＡＢ", "ab")],
)
def test_normalize_query(raw, normal):
    assert normalize_query(raw) == normal


# --- on the small store (3 counties) -------------------------------------------------------


@pytest.fixture(scope="module")
def store_index(small_store_path) -> pd.DataFrame:
    import duckdb

    with duckdb.connect(str(small_store_path), read_only=True) as con:
        return query_unit_index(con)


def test_every_code_finds_its_unit(store_index):
    for code in store_index["code"].iloc[::25]:
        res = compute_search(store_index, code)
        assert _codes(res) == [code]


def test_name_plus_township_puts_the_unit_first(store_index):
    sample = store_index.iloc[::20]
    for row in sample.itertuples():
        same = store_index[(store_index["name"] == row.name) & (store_index["township"] == row.township)]
        res = compute_search(store_index, f"{row.name} {row.township}")
        assert set(_codes(res)[: len(same)]) == set(same["code"])


def test_one_wrong_character_still_finds_the_name(store_index):
    names = set(store_index["name"])
    checked = 0
    for name in store_index["name"].drop_duplicates().iloc[::7]:
        typo = name[0] + "错" + name[2:] if len(name) >= 3 else None
        if typo is None or typo in names:
            continue
        assert name in set(compute_search(store_index, typo)["name"]), typo
        checked += 1
    assert checked >= 10
