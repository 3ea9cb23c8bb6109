"""观摩 (observation visit) routes: choosing stops, the route map, stop cards, print and Excel.

The stops live in the URL (``stops``) in visiting order, so a link reopens the same
route; ``share=1`` shows it read-only and phone-first (no sidebar, no 52k layer). The
link for people on the visit is signed (``components.auth.show_route_share``): it opens
only these stops.
"""

from __future__ import annotations

import functools
import itertools

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from markupsafe import Markup

from components import region_map, templating, view
from components.theme import LEVEL_COLORS, figure
from components.view import t
from xingtu import export
from xingtu.domain import route
from xingtu.i18n import translate
from xingtu.safe import markdown_text, plotly_text
from xingtu.store.queries import VISIT_CRITERIA
from xingtu.store.views import Visit
from xingtu.viewstate import MAX_STOPS, Lang

ADD_AT_ONCE = 12  # a day's visit; more can be added from the list or the map


def compute_order(visit: Visit, fix_first: bool) -> tuple[str, ...]:
    """The stops' codes in a short visiting order (the first stays first when ``fix_first``)."""
    stops = visit.stops
    points = list(zip(stops["lon"].astype(float), stops["lat"].astype(float), strict=True))
    order = route.compute_route(points, start=0 if fix_first and len(points) else None)
    return tuple(stops["code"].iloc[i] for i in order)


def compute_legs(visit: Visit) -> list[float]:
    """Kilometres from each stop to the next, in the order given."""
    stops = visit.stops
    points = list(zip(stops["lon"].astype(float), stops["lat"].astype(float), strict=True))
    return route.compute_legs(points, list(range(len(points))))


def show_criterion(key: str) -> str | None:
    """Which kind of unit to offer (the list and the map's grey dots); None until one is picked."""
    return st.segmented_control(
        t("visit.criteria"),
        list(VISIT_CRITERIA),
        format_func={c: t(f"visit.criteria.{c}") for c in VISIT_CRITERIA}.__getitem__,
        key=key,
    )


def show_stops(visit: Visit | None, candidates: pd.DataFrame, chosen: tuple[str, ...], key: str) -> None:
    """Add the criterion's first units, pick stops from a list, keep the first stop fixed.

    A change goes to the view and asks the page to re-order the route once.
    """
    first = candidates.head(ADD_AT_ONCE)
    if len(first) and st.button(
        t("visit.use_criteria", n=len(first)), key=f"{key}.apply", icon=":material/add:"
    ):
        _change(stops=tuple(dict.fromkeys([*chosen, *first["code"]]))[:MAX_STOPS])
    labels = dict(zip(candidates["code"], candidates["name"] + " · " + candidates["township"], strict=True))
    if visit is not None:
        labels |= dict(
            zip(visit.stops["code"], visit.stops["name"] + " · " + visit.stops["township"], strict=True)
        )
    picked = st.multiselect(
        t("visit.stops"),
        list(dict.fromkeys([*chosen, *candidates["code"]])),
        default=list(chosen),
        format_func=lambda c: labels.get(c, c),
        key=f"{key}.stops.{abs(hash(chosen))}",
        max_selections=MAX_STOPS,
        placeholder=t("visit.stops.placeholder"),
    )
    if tuple(picked) != chosen:
        _change(stops=tuple(picked))
    fix = st.toggle(t("visit.fix"), value=view.current().fix, key=f"{key}.fix")
    if fix != view.current().fix:
        _change(fix=fix)


def _labels(units: pd.DataFrame) -> dict[str, str]:
    """code → "name · township", to tell same-named units apart in the list."""
    return dict(zip(units["code"], units["name"] + " · " + units["township"], strict=True))


def reorder_after_change(visit: Visit | None, fix_first: bool) -> None:
    """After an edit, put the stops in route order (in the view and so in the link)."""
    if visit is None or not _take_reorder():
        return
    order = compute_order(visit, fix_first)
    if order != view.current().stops:
        view.update(stops=order)
        st.rerun()


def _change(**fields: object) -> None:
    view.update(**fields)
    st.session_state["visit.reorder"] = True
    st.rerun()


def _take_reorder() -> bool:
    """Whether the stops just changed (then the page orders the route once)."""
    return bool(st.session_state.pop("visit.reorder", False))


def build_route_map(
    visit: Visit | None,
    legs: list[float],
    lang: Lang,
    height: int = 460,
    candidates: pd.DataFrame | None = None,
    leg_labels: bool = True,
) -> go.Figure:
    """Numbered stops joined in order, the distance of each leg at its middle, and (when
    editing) the criterion's other units as grey dots that a click adds to the route.

    A phone-sized map leaves the leg labels out (they pile onto close stops); each card
    says how far the next stop is. The hover texts are in ``lang``.
    """
    tr = functools.partial(translate, lang=lang)
    stops = (
        visit.stops if visit is not None else pd.DataFrame(columns=["code", "name", "lon", "lat", "level"])
    )
    lon, lat = stops["lon"].astype(float).tolist(), stops["lat"].astype(float).tolist()
    traces: list[dict] = []
    if candidates is not None:
        free = candidates[~candidates["code"].isin(stops["code"])]
        traces.append(
            {
                "type": "scattergeo",
                "lon": free["lon"].astype(float).tolist(),
                "lat": free["lat"].astype(float).tolist(),
                "mode": "markers",
                "marker": {"size": 11, "color": "#B8B8B8", "line": {"color": "white", "width": 1}},
                "customdata": [
                    [plotly_text(f"{n} · {tw}"), c]
                    for n, tw, c in zip(free["name"], free["township"], free["code"], strict=True)
                ],
                "hovertemplate": "<b>%{customdata[0]}</b><br>"
                + plotly_text(tr("visit.map.add"))
                + "<extra></extra>",
                "name": "candidates",
            }
        )
    traces += [
        {
            "type": "scattergeo",
            "lon": lon,
            "lat": lat,
            "mode": "lines",
            "line": {"color": "#8E0E1F", "width": 2.5},
            "hoverinfo": "skip",
            "name": "route",
        },
        {
            "type": "scattergeo",
            "lon": lon,
            "lat": lat,
            "mode": "markers+text",
            "marker": {
                "size": 24,
                "color": [LEVEL_COLORS[int(lv)] for lv in stops["level"]],
                "line": {"color": "white", "width": 1.5},
            },
            "text": [str(i + 1) for i in range(len(stops))],
            "textfont": {"color": "white", "size": 13},
            "customdata": [[plotly_text(n), c] for n, c in zip(stops["name"], stops["code"], strict=True)],
            "hovertemplate": "%{text}. <b>%{customdata[0]}</b><extra></extra>",
            "name": "stops",
        },
    ]
    if leg_labels:  # under the numbered stops
        traces.insert(
            len(traces) - 1,
            {
                "type": "scattergeo",
                "lon": [(a + b) / 2 for a, b in itertools.pairwise(lon)],
                "lat": [(a + b) / 2 for a, b in itertools.pairwise(lat)],
                "mode": "text",
                "text": [f"{km:.1f} km" for km in legs],
                "textfont": {"size": 13, "color": "#5A3A1A"},
                "hoverinfo": "skip",
                "name": "legs",
            },
        )
    return figure(traces, region_map.map_layout(height, None, 14, dragmode=False, clickmode="event+select"))


def render_route_map(fig: go.Figure, key: str, editable: bool) -> str | None:
    """Draw the route map; when editable, the code of a clicked grey (candidate) unit."""
    config = {**region_map.config(t("visit.title")), "staticPlot": not editable}
    if not editable:
        st.plotly_chart(fig, key=key, config=config)
        return None
    event = st.plotly_chart(fig, key=key, config=config, on_select="rerun", selection_mode="points")
    candidates = next((i for i, tr in enumerate(fig.data) if tr.name == "candidates"), None)
    for point in (event or {}).get("selection", {}).get("points", []) if event else []:
        if point.get("curve_number") == candidates and point.get("customdata"):
            return str(point["customdata"][-1])
    return None


def add_stop(stops: tuple[str, ...], code: str) -> None:
    if code not in stops:
        _change(stops=(*stops, code))


def compute_cards(visit: Visit, legs: list[float]) -> list[dict]:
    """One card per stop: number, name and place, stars held, strengths, partners, next leg."""
    cards = []
    strengths = visit.strengths.groupby("code") if len(visit.strengths) else None
    partners = visit.partners.groupby("code") if len(visit.partners) else None
    for i, row in enumerate(visit.stops.itertuples(index=False)):
        strong: dict[str, list[str]] = {}
        if strengths is not None and row.code in strengths.groups:
            for star, task in strengths.get_group(row.code)[["star_name", "task"]].itertuples(index=False):
                strong.setdefault(str(star), []).append(str(task))
        pairs = []
        if partners is not None and row.code in partners.groups:
            part = partners.get_group(row.code)
            pairs = [f"{n}（{k}）" for n, k in zip(part["partner_name"], part["kind"], strict=True)]
        cards.append(
            {
                "n": i + 1,
                "code": row.code,
                "name": str(row.name),
                "place": f"{row.county} · {row.township}",
                "level": int(row.level),
                "stars": [(str(s), bool(h)) for s, h in zip(row.stars, row.held, strict=True)],
                "strengths": strong,
                "partners": pairs,
                "next_km": legs[i] if i < len(legs) else None,
            }
        )
    return cards


def build_card_html(card: dict, lang: Lang) -> str:
    """A stop's card as escaped HTML, in ``lang`` (the phone view and the printable page use it)."""
    tr = functools.partial(translate, lang=lang)
    nxt = tr("visit.card.next", km=f"{card['next_km']:.1f}") if card["next_km"] is not None else ""
    texts = {
        "level": tr(f"level.{card['level']}"),
        "strengths": tr("visit.card.strengths"),
        "no_strengths": tr("visit.card.no_strengths"),
        "partners": tr("visit.card.partners"),
        "none": tr("visit.card.none"),
        "next": nxt,
    }
    return templating.render("visit_card.html", card=card, texts=texts)


def build_itinerary_html(title: str, cards: list[dict], total_km: float, note: str, lang: Lang) -> str:
    """A print-ready A4 page (Chinese fonts named first) with every stop's card, in ``lang``."""
    tr = functools.partial(translate, lang=lang)
    css = templating.stylesheet("itinerary") + "\n" + templating.stylesheet("visit_card")
    return templating.render(
        "itinerary.html",
        lang=lang,
        title=title,
        note=note,
        total=tr("visit.total", km=f"{total_km:.1f}", n=len(cards)),
        css=css,
        cards=[Markup(build_card_html(c, lang)) for c in cards],  # noqa: S704 -- rendered escaped just above
    )


def build_itinerary_xlsx(cards: list[dict], lang: Lang) -> bytes:
    """The stops as an Excel sheet (headers and levels in ``lang``)."""
    tr = functools.partial(translate, lang=lang)
    header = [
        tr(f"visit.xlsx.{k}")
        for k in ("n", "name", "place", "level", "stars", "strengths", "partners", "next")
    ]
    rows = [
        [
            c["n"],
            c["name"],
            c["place"],
            tr(f"level.{c['level']}"),
            "、".join(s for s, held in c["stars"] if held),
            "；".join(f"{s}：{'、'.join(ts)}" for s, ts in c["strengths"].items()),
            "、".join(c["partners"]),
            round(c["next_km"], 1) if c["next_km"] is not None else None,
        ]
        for c in cards
    ]
    return export.to_xlsx(tr("visit.xlsx.sheet"), header, rows, widths=(6, 16, 22, 8, 40, 60, 24, 12))


def render_share_frame() -> None:
    """A shared route on a phone: a narrow column, nothing wider than the screen."""
    st.html(templating.style_block("visit_share"))


def render_cards(cards: list[dict], phone: bool) -> None:
    st.html(templating.style_block("visit_card"))
    for card in cards:
        if phone:  # tap a stop for its card
            level = t(f"level.{card['level']}")
            with st.expander(f"{card['n']}\\. {markdown_text(card['name'])} · {markdown_text(level)}"):
                st.html(build_card_html(card, view.lang()))
        else:
            st.html(build_card_html(card, view.lang()))
