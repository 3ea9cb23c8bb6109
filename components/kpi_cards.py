"""Headline numbers of the scope: units, each level with its share, targets, overdue problems."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import streamlit as st

from components.view import t
from xingtu.domain.rating import LEVELS_DESC
from xingtu.i18n import translate
from xingtu.views.headline import Headline
from xingtu.viewstate import Lang


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str | None
    help: str | None = None
    delta_color: str = "normal"
    delta_arrow: str = "auto"  # "off" for a delta that is a note (what is not imported), not a change


def compute_cards(head: Headline, lang: Lang) -> list[Card]:
    """The cards' texts, in ``lang``, from the scope's headline figures (``xingtu.views.headline``).

    A scope nothing was imported for shows its units as not imported and no other card (never
    zeros); a partly imported one says how many units are not in yet.
    """
    tr = functools.partial(translate, lang=lang)
    if head.units == 0:  # nothing imported: the units the divisions list; every other number is unknown
        return [
            Card(
                tr("overview.kpi.units"),
                f"{head.expected:,}",
                tr("nodata.not_imported"),
                delta_color="off",
                delta_arrow="off",
            )
        ]
    first = Card(tr("overview.kpi.units"), f"{head.units:,}", None)
    if head.missing:  # partly imported: the figures count the imported units; say how many are not
        note = tr("overview.kpi.imported", missing=f"{head.missing:,}")
        first = Card(first.label, first.value, note, delta_color="off", delta_arrow="off")
    cards = [first]
    for level in LEVELS_DESC:
        fig = head[f"level{level}"]
        cards.append(
            Card(
                f"{tr(f'level.{level}')} · {fig.share:.1%}",
                f"{int(fig.value or 0):,}",
                None if fig.change is None else f"{int(fig.change):+,}",
                delta_color="normal" if fig.better == "up" else "inverse",
            )
        )
    below = head["below_target"]
    cards.append(
        Card(
            tr("overview.kpi.below_target"),
            f"{int(below.value or 0):,}",
            None if below.change is None else f"{int(below.change):+,}",
            delta_color="inverse",
        )
    )
    # Overdue counts are as of the data date, not per year: no change to show.
    cards.append(Card(tr("overview.kpi.overdue"), f"{int(head['overdue'].value or 0):,}", None))
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
