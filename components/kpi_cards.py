"""Headline numbers of the scope: units, each level with its share, targets, overdue problems."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.view import t
from xingtu.domain.rating import LEVELS_DESC


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str | None
    help: str | None = None
    delta_color: str = "normal"
    delta_arrow: str = "auto"  # "off" for a delta that is a note (what is not imported), not a change


def compute_cards(
    summary: dict, counts: pd.DataFrame, prev_counts: pd.DataFrame | None, prev_summary: dict | None
) -> list[Card]:
    """The cards' texts from the scope's summary and level counts (and last year's, for deltas).

    Only results count: a scope nothing was imported for shows its units as not imported and no
    other card (never zeros), and a year before without results gives no change (a change from
    nothing is not a rise).
    """
    units = int(summary["units"])
    expected = int(summary.get("expected", units) or 0)
    if prev_summary is not None and int(prev_summary.get("units", 1) or 0) == 0:
        prev_counts = prev_summary = None
    prev_year_units = (
        dict(zip(prev_counts["level"], prev_counts["units"], strict=True)) if prev_counts is not None else {}
    )
    first = Card(t("overview.kpi.units"), f"{units:,}", None)
    if units == 0:  # nothing imported: the units the divisions list; every other number is unknown
        return [
            Card(first.label, f"{expected:,}", t("nodata.not_imported"), delta_color="off", delta_arrow="off")
        ]
    if units < expected:  # partly imported: the figures count the imported units; say how many are not
        note = t("overview.kpi.imported", missing=f"{expected - units:,}")
        first = Card(first.label, first.value, note, delta_color="off", delta_arrow="off")
    cards = [first]
    for level in LEVELS_DESC:
        row = counts[counts["level"] == level].iloc[0]
        delta = None
        if prev_counts is not None:
            delta = f"{int(row['units']) - int(prev_year_units.get(level, 0)):+,}"
        cards.append(
            Card(
                f"{t(f'level.{level}')} · {row['share']:.1%}",
                f"{int(row['units']):,}",
                delta,
                delta_color="normal" if level >= 3 else "inverse",
            )
        )
    below_delta = None
    if prev_summary is not None:
        below_delta = f"{int(summary['below_target']) - int(prev_summary['below_target']):+,}"
    cards.append(
        Card(
            t("overview.kpi.below_target"),
            f"{int(summary['below_target']):,}",
            below_delta,
            delta_color="inverse",
        )
    )
    # Overdue counts are as of the data date, not per year: no change to show.
    cards.append(Card(t("overview.kpi.overdue"), f"{int(summary['overdue_problems']):,}", None))
    return cards


SLOTS = 9  # the full row: units, six levels, below target, overdue


def render(cards: list[Card], prev_year: int | None) -> None:
    """The cards in one row of ``SLOTS`` (fewer cards keep their width; phones stack them)."""
    spare = SLOTS - len(cards)
    cols = st.columns([1] * len(cards) + ([spare] if spare > 0 else []), gap="small")
    for col, card in zip(cols, cards, strict=False):
        col.metric(
            card.label,
            card.value,
            delta=card.delta,
            delta_color=card.delta_color,
            delta_arrow=card.delta_arrow,
            help=t("overview.kpi.vs_prev", year=prev_year)
            if card.delta and prev_year and card.delta_arrow != "off"
            else card.help,
            border=True,
        )
