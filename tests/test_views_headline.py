"""The headline figures: one function, and the overview, big screen and briefing all show its numbers."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from components import briefing, kpi_cards, screen
from xingtu.i18n import translate
from xingtu.store import queries as q
from xingtu.store import views
from xingtu.views.headline import compute_headline


def _counts(units: dict[int, int]) -> pd.DataFrame:
    total = sum(units.values()) or 1
    rows = [{"level": lv, "units": units.get(lv, 0), "share": units.get(lv, 0) / total} for lv in range(6)]
    return pd.DataFrame(rows)


NOW = _counts({5: 12, 4: 30, 3: 40, 2: 10, 1: 5, 0: 3})
BEFORE = _counts({5: 10, 4: 30, 3: 45, 2: 10, 1: 5, 0: 0})
SUMMARY = {
    "units": 100,
    "expected": 100,
    "mean_stars": 3.4,
    "share_ge3": 0.82,
    "below_target": 9,
    "overdue_problems": 7,
}
PREV = {"units": 100, "mean_stars": 3.5, "share_ge3": 0.85, "below_target": 12}


@pytest.mark.parametrize(
    ("key", "value", "share", "change", "tone"),
    [
        ("units", 100, None, None, "flat"),
        ("level5", 12, 0.12, 2, "good"),
        ("level4", 30, 0.30, 0, "flat"),
        ("level3", 40, 0.40, -5, "bad"),
        ("level0", 3, 0.03, 3, "bad"),  # more units without a star: worse
        ("mean_stars", 3.4, None, pytest.approx(-0.1), "bad"),
        ("share_ge3", 0.82, None, pytest.approx(-0.03), "bad"),
        ("below_target", 9, None, -3, "good"),  # fewer below target: better
        ("overdue", 7, None, None, "flat"),  # as of the data date: no change
    ],
)
def test_each_figure_has_its_value_share_change_and_tone(key, value, share, change, tone):
    head = compute_headline(SUMMARY, NOW, PREV, BEFORE, 2024)
    fig = head[key]
    assert fig.value == pytest.approx(value) and fig.change == change and fig.tone == tone
    assert fig.share == (None if share is None else pytest.approx(share))
    assert head.prev_year == 2024 and head.missing == 0


@pytest.mark.parametrize(
    ("prev", "prev_counts"),
    [(None, None), ({**PREV, "units": 0}, _counts({}))],  # no year before; a year before with no results
)
def test_without_results_the_year_before_there_is_no_change(prev, prev_counts):
    head = compute_headline(SUMMARY, NOW, prev, prev_counts, 2024)
    assert head.prev_year is None
    assert all(f.change is None for f in head.figures.values())


def test_a_scope_without_results_has_units_and_nothing_else():
    head = compute_headline({"units": 0, "expected": 250, "overdue_problems": None}, _counts({}))
    assert head.units == 0 and head.expected == 250 and head.missing == 250
    assert [k for k, f in head.figures.items() if f.value is not None] == ["units"]


def test_a_partly_imported_scope_counts_what_is_in():
    head = compute_headline({**SUMMARY, "expected": 160}, NOW)
    assert head.missing == 60 and head["level5"].share == pytest.approx(0.12)  # of the units with results


# --- one number everywhere ------------------------------------------------------------------------


def _number(text: str) -> float:
    return float(re.sub(r"[^\d.\-+]", "", text))


@pytest.mark.parametrize("region", ["411102000000", "411100000000"])
def test_overview_big_screen_and_briefing_show_the_same_figures(small_con, monkeypatch, region):
    monkeypatch.setattr("components.view.lang", lambda: "zh")
    scope = q.Scope(region)
    ov = views.query_overview(small_con, scope, 2025, "county")
    sc = views.query_screen(small_con, scope, 2025, "county").overview
    br = views.query_briefing(small_con, scope, 2025)
    level = {lv: translate(f"level.{lv}", "zh") for lv in (5, 4, 3)}

    cards = kpi_cards.compute_cards(
        compute_headline(ov.summary, ov.counts, ov.prev_summary, ov.prev_counts, ov.prev_year), "zh"
    )
    texts = screen.tile_texts()
    tiles = screen.compute_tiles(
        compute_headline(sc.summary, sc.counts, sc.prev_summary, sc.prev_counts, sc.prev_year), texts
    )
    head = compute_headline(br.summary, br.counts, br.prev_summary, br.prev_counts, br.prev_year)
    kpis = briefing.compute_kpis(head, briefing.translator("zh"))

    on_cards = {c.label.split(" · ")[0]: c for c in cards}
    on_tiles = {t.label: t for t in tiles}
    on_kpis = {k.label: k for k in kpis}
    units = _number(cards[0].value)
    assert units == _number(tiles[0].value) == _number(kpis[0].value) == int(br.summary["units"])
    for lv in (5, 4, 3):
        card, tile, kpi = on_cards[level[lv]], on_tiles[texts[f"level{lv}"]], on_kpis[level[lv]]
        assert _number(card.value) == _number(tile.value) == _number(kpi.value)
        assert _number(card.delta) == _number(tile.delta) == _number(kpi.note)  # the change on last year
        assert card.label.endswith(kpi.share)  # the same share of all units
    mean = on_tiles[texts["mean"]]
    assert _number(mean.value) == _number(on_kpis[translate("metric.mean_stars", "zh")].value)
    overdue = next(c for c in cards if c.label == translate("overview.kpi.overdue", "zh"))
    assert _number(overdue.value) == _number(on_tiles[texts["overdue"]].value) == _number(kpis[-1].value)
