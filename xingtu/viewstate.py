"""What the user is looking at, as typed values, and its round trip through the URL.

Every filter and selection lives in the address bar so a copied link reopens the same
view. Parameters are parsed as plain strings against the sets of valid values of the
loaded dataset; anything invalid, stale or hand-edited falls back to the default and
yields a notice, never an exception. Nothing is pickled or evaluated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
UNIT_TYPES: tuple[str, ...] = ("all", "rural", "urban")
METRICS: tuple[str, ...] = (
    "mean_stars",
    "share_ge3",
    "share_ge4",
    "five_star",
    "share_meet_target",
    "overdue_problems",
)
GROUPINGS: tuple[str, ...] = ("county", "city")
LAYERS: tuple[str, ...] = ("points", "hex", "off")
TABS: tuple[str, ...] = ("heat", "tasks", "closest", "weak_lax")
SORTS: tuple[str, ...] = ("metric", "name", "units")
MAX_COMPARE = 8
MAX_PLAY = 40
MAX_STOPS = 60
MAX_VALUE = 1000  # characters of one parameter (60 stops need 779); longer is ignored unread
MAX_PARAMS = 30  # parameters read from one link; the rest are ignored
EVERY_RANGE = (5, 3600)  # seconds a big-screen view stays up
DEFAULT_EVERY = 30

# URL parameter name for each field (short, stable: links in the wild depend on them).
PARAM_NAMES: dict[str, str] = {
    "lang": "lang",
    "region": "r",
    "unit_type": "t",
    "year": "y",
    "level": "lv",
    "star": "star",
    "metric": "m",
    "by": "by",
    "layer": "layer",
    "sort": "sort",
    "unit": "u",
    "tab": "tab",
    "compare": "cmp",
    "play": "play",
    "every": "every",
    "stops": "stops",
    "fix": "fix",
    "share": "share",
}


@dataclass(frozen=True)
class Context:
    """The valid values of the loaded dataset that URL parameters are checked against."""

    province: str
    years: tuple[int, ...]
    regions: frozenset[str]
    counties: frozenset[str]
    stars: frozenset[str]
    is_unit: Callable[[str], bool]
    root: str = ""  # the session's scope: the default region (empty: the province)


@dataclass(frozen=True)
class ViewState:
    """One view of the dashboard: filters (sidebar) and selections (pages)."""

    region: str
    year: int
    lang: Lang = "zh"
    unit_type: str = "all"
    level: int | None = None
    star: str | None = None
    metric: str = "mean_stars"
    by: str = "county"
    layer: str = "auto"  # points, hex or off; auto = chosen by the number of units (village_map)
    sort: str = "metric"
    unit: str | None = None
    tab: str = "heat"
    compare: tuple[str, ...] = field(default_factory=tuple)
    play: tuple[str, ...] = field(
        default_factory=tuple
    )  # big screen: regions in turn (empty: province, cities)
    every: int = DEFAULT_EVERY  # big screen: seconds per view; 0 = no rotation
    stops: tuple[str, ...] = field(default_factory=tuple)  # 观摩: unit codes in visiting order
    fix: bool = False  # 观摩: the first stop stays first when the route is ordered
    share: bool = False  # 观摩: the read-only view for people on the visit


@dataclass(frozen=True)
class Notice:
    """A parameter that could not be used: which, what it said, and why."""

    param: str
    value: str
    reason: str  # an i18n key: url.bad_*


def default_state(ctx: Context) -> ViewState:
    return ViewState(region=ctx.root or ctx.province, year=max(ctx.years))


def _clean(value: str) -> str:
    """Full-width to half-width, trimmed: links retyped from documents often carry both."""
    return unicodedata.normalize("NFKC", value).strip()


def _code(value: str) -> str | None:
    """A region or unit code: 12 digits, or its 2/4/6/9-digit significant prefix."""
    digits = _clean(value).replace(" ", "")
    if not re.fullmatch(r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}", digits):
        return None
    return digits.ljust(12, "0")


def _first(value: str | Sequence[str]) -> str:
    if isinstance(value, str):
        return value
    return value[-1] if value else ""


def parse_params(params: Mapping[str, str | Sequence[str]], ctx: Context) -> tuple[ViewState, list[Notice]]:
    """The view a URL asks for, and a notice for every parameter that had to be ignored."""
    state = default_state(ctx)
    notices: list[Notice] = []
    changes: dict[str, object] = {}
    by_param = {p: f for f, p in PARAM_NAMES.items()}
    for i, (name, raw_value) in enumerate(params.items()):
        if i >= MAX_PARAMS:
            notices.append(Notice(name[:60], "…", "url.bad_many"))
            break
        field_name = by_param.get(name)
        raw = _first(raw_value)
        if len(raw) > MAX_VALUE or len(name) > 60:
            notices.append(Notice(name[:60], raw[:60], "url.bad_long"))
            continue
        if field_name is None:
            notices.append(Notice(name, raw, "url.bad_unknown"))
            continue
        value = _clean(raw)
        parsed, ok = _parse_field(field_name, value, ctx)
        if ok:
            changes[field_name] = parsed
        else:
            notices.append(Notice(name, raw, f"url.bad_{field_name}"))
    return replace(state, **changes), notices


def _parse_field(name: str, value: str, ctx: Context) -> tuple[object, bool]:
    choices: dict[str, tuple[str, ...]] = {
        "lang": LANGS,
        "unit_type": UNIT_TYPES,
        "metric": METRICS,
        "by": GROUPINGS,
        "layer": LAYERS,
        "tab": TABS,
        "sort": SORTS,
    }
    if name in choices:
        return value, value in choices[name]
    if name == "region":
        code = _code(value)
        return code, code is not None and code in ctx.regions
    if name == "unit":
        code = _code(value)
        return code, code is not None and len(value.replace(" ", "")) == 12 and ctx.is_unit(code)
    if name == "year":
        if not re.fullmatch(r"\d{4}", value):
            return None, False
        return int(value), int(value) in ctx.years
    if name == "level":
        if not re.fullmatch(r"[0-5]", value):
            return None, False
        return int(value), True
    if name == "star":
        return value, value in ctx.stars
    if name == "compare":
        codes = [_code(v) for v in value.split(",") if v.strip()]
        if not codes or len(codes) > MAX_COMPARE or any(c is None or c not in ctx.counties for c in codes):
            return (), False
        return tuple(dict.fromkeys(c for c in codes if c)), True
    if name == "play":
        codes = [_code(v) for v in value.split(",") if v.strip()]
        if not codes or len(codes) > MAX_PLAY or any(c is None or c not in ctx.regions for c in codes):
            return (), False
        return tuple(dict.fromkeys(c for c in codes if c)), True
    if name == "stops":
        parts = [p for p in value.split(",") if p.strip()]
        codes = [_code(p) for p in parts]
        ok = (
            bool(codes)
            and len(codes) <= MAX_STOPS
            and all(
                c is not None and len(p.strip()) == 12 and ctx.is_unit(c)
                for p, c in zip(parts, codes, strict=True)
            )
        )
        return (tuple(dict.fromkeys(c for c in codes if c)), True) if ok else ((), False)
    if name in ("fix", "share"):
        return value == "1", value in ("0", "1")
    if name == "every":
        if not re.fullmatch(r"\d{1,4}", value):
            return None, False
        seconds = int(value)
        return seconds, seconds == 0 or EVERY_RANGE[0] <= seconds <= EVERY_RANGE[1]
    return None, False


def to_params(state: ViewState, ctx: Context) -> dict[str, str]:
    """The URL parameters of a view: only what differs from the default, in a fixed order."""
    default = default_state(ctx)
    out: dict[str, str] = {}
    for f in fields(ViewState):
        value = getattr(state, f.name)
        if value == getattr(default, f.name):
            continue
        if f.name == "compare":
            text = ",".join(c[:6] for c in value)
        elif f.name == "play":
            text = ",".join(_short_code(c) for c in value)
        elif f.name == "stops":
            text = ",".join(value)
        elif isinstance(value, bool):
            text = "1" if value else "0"
        elif f.name in ("region",):
            text = _short_code(value)
        else:
            text = str(value)
        out[PARAM_NAMES[f.name]] = text
    return out


def _short_code(code: str) -> str:
    """The shortest significant form of a region code (41, 4101, 410102 …), for readable links."""
    for n in (2, 4, 6, 9):
        if code[n:] == "0" * (12 - n):
            return code[:n]
    return code
