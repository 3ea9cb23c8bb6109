"""URL parameters → typed view state and back: valid values kept, everything else a notice."""

from __future__ import annotations

import pytest

from xingtu.viewstate import Context, ViewState, default_state, parse_params, to_params

UNITS = {"411102001001", "411102001201"}
CTX = Context(
    province="410000000000",
    years=(2022, 2023, 2024, 2025),
    regions=frozenset({"410000000000", "411100000000", "411102000000", "411171000000", "411102001000"}),
    counties=frozenset({"411102000000", "411171000000"}),
    stars=frozenset({"branch", "industry"}),
    is_unit=UNITS.__contains__,
)
DEFAULT = default_state(CTX)


@pytest.mark.parametrize(
    ("params", "changes"),
    [
        ({}, {}),
        ({"r": "4111"}, {"region": "411100000000"}),
        ({"r": "411102"}, {"region": "411102000000"}),
        ({"r": "411102000000"}, {"region": "411102000000"}),
        ({"r": "４１１１"}, {"region": "411100000000"}),  # full-width digits from a document
        ({"r": " 411102001 "}, {"region": "411102001000"}),
        ({"t": "rural", "y": "2023"}, {"unit_type": "rural", "year": 2023}),
        ({"lv": "0"}, {"level": 0}),
        ({"lv": "5", "star": "industry"}, {"level": 5, "star": "industry"}),
        (
            {"m": "share_ge4", "by": "city", "layer": "hex"},
            {"metric": "share_ge4", "by": "city", "layer": "hex"},
        ),
        ({"u": "411102001201"}, {"unit": "411102001201"}),
        ({"tab": "closest", "lang": "en"}, {"tab": "closest", "lang": "en"}),
        ({"cmp": "411102,411171"}, {"compare": ("411102000000", "411171000000")}),
        ({"cmp": "411102,411102"}, {"compare": ("411102000000",)}),
        ({"y": ["2022", "2024"]}, {"year": 2024}),  # a repeated parameter: the last one wins
        ({"play": "4111,411102", "every": "15"}, {"play": ("411100000000", "411102000000"), "every": 15}),
        ({"every": "0"}, {"every": 0}),
        ({"every": "3600"}, {"every": 3600}),
    ],
)
def test_valid_params_are_kept(params, changes):
    state, notices = parse_params(params, CTX)
    assert notices == []
    assert state == ViewState(**{**DEFAULT.__dict__, **changes})


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"r": "999999"}, "r"),  # well-formed but unknown
        ({"r": "41x"}, "r"),
        ({"r": "4111000"}, "r"),  # 7 digits: not a code length
        ({"r": "<script>alert(1)</script>"}, "r"),
        ({"y": "2031"}, "y"),
        ({"y": "twenty"}, "y"),
        ({"y": "2025.0"}, "y"),
        ({"lv": "6"}, "lv"),
        ({"lv": "-1"}, "lv"),
        ({"lv": "3.5"}, "lv"),
        ({"t": "town"}, "t"),
        ({"star": "ecology"}, "star"),
        ({"m": "__class__"}, "m"),
        ({"by": "township"}, "by"),
        ({"layer": "heatmap"}, "layer"),
        ({"u": "411102001999"}, "u"),  # unknown unit
        ({"u": "411102"}, "u"),  # a region code is not a unit
        ({"tab": "x"}, "tab"),
        ({"lang": "fr"}, "lang"),
        ({"cmp": "411102,999999"}, "cmp"),
        ({"cmp": ",".join(["411102"] * 9)}, "cmp"),
        ({"cmp": "411100"}, "cmp"),  # a city is not a county
        ({"zoom": "12"}, "zoom"),  # unknown parameter
        ({"every": "4"}, "every"),  # faster than a room can read
        ({"every": "3601"}, "every"),
        ({"every": "1e3"}, "every"),
        ({"play": "4111,999999"}, "play"),
        ({"play": ",".join(["4111"] * 41)}, "play"),
    ],
)
def test_bad_params_fall_back_with_a_notice(params, bad):
    state, notices = parse_params(params, CTX)
    assert state == DEFAULT
    assert [n.param for n in notices] == [bad]
    assert notices[0].value == next(iter(params.values()))


def test_one_bad_param_does_not_discard_the_good_ones():
    state, notices = parse_params({"r": "4111", "y": "1999", "m": "five_star"}, CTX)
    assert (state.region, state.year, state.metric) == ("411100000000", 2025, "five_star")
    assert [n.param for n in notices] == ["y"]


@pytest.mark.parametrize(
    "state",
    [
        DEFAULT,
        ViewState(region="411102001000", year=2023, unit_type="urban", level=3, star="branch"),
        ViewState(
            region="411100000000", year=2025, lang="en", metric="overdue_problems", by="city", layer="off"
        ),
        ViewState(
            region="410000000000", year=2024, unit="411102001001", tab="weak_lax", compare=("411171000000",)
        ),
    ],
)
def test_round_trip(state):
    params = to_params(state, CTX)
    assert all(isinstance(v, str) for v in params.values())
    assert parse_params(params, CTX) == (state, [])


def test_default_view_has_an_empty_query_string_and_codes_are_short():
    assert to_params(DEFAULT, CTX) == {}
    assert to_params(ViewState(region="411100000000", year=2025), CTX) == {"r": "4111"}


def test_oversized_values_and_too_many_parameters_are_not_read():
    from xingtu.viewstate import MAX_PARAMS, MAX_VALUE

    state, notices = parse_params({"y": "2" * (MAX_VALUE + 1), "lang": "en"}, CTX)
    assert state.lang == "en" and state.year == max(CTX.years)
    assert [(n.param, n.reason, len(n.value)) for n in notices] == [("y", "url.bad_long", 60)]
    many = {f"x{i}": "1" for i in range(MAX_PARAMS + 5)}
    _, notices = parse_params(many, CTX)
    assert len(notices) == MAX_PARAMS + 1 and notices[-1].reason == "url.bad_many"


def test_the_scope_root_is_the_default_region():
    from dataclasses import replace

    county = replace(CTX, root="411102000000")
    assert default_state(county).region == "411102000000"
    assert to_params(default_state(county), county) == {}
