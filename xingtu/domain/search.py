"""Typo-tolerant unit search over the unit index (``query_unit_index``).

Pure (no I/O, no Streamlit). People look a 村/社区 up by its everyday name, often without
the 村 suffix, sometimes with a wrong or missing character, and — since names such as
王庄村 repeat a hundred times — often with a township or county word. Ranking, best first:

1. a full 12-digit code (full-width digits and spaces allowed): exactly that unit;
   6–11 digits list the units whose code starts with them;
2. the name (or NBS full name) equals the query, then equals the query plus 村/社区;
3. the name starts with, then contains, the query — shorter names first;
4. fuzzy: the name, or its stem without 村/社区, is within one edit of the query (two
   from 6 characters), so 霍庄付 finds 霍庄村 and 碧沙社区 finds 碧沙岗社区; names keeping
   the query's first character rank first. Traditional forms of common place-name
   characters are folded before matching (霍莊村 → 霍庄村).

Other words ("霍庄 尧山镇", a pasted label "霍庄村 · 尧山镇 · 鲁山县", or run together as
"尧山镇霍庄村") must match the unit's township, county or city name.

Speed: ``prepare_search_index`` builds, once, a character → units index and integer sort
keys. A query then counts, per unit, how many of its characters the name has (a unit
within k edits keeps all but k of them), checks substrings and runs rapidfuzz only on
those candidates: a few milliseconds over 52k units. ``compute_search`` prepares a
DataFrame once and reuses that while the same DataFrame object lives (treat it as
immutable), or takes a prepared ``SearchIndex``.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

RESULT_COLUMNS = ["code", "name", "township", "county", "city", "unit_type", "score", "match", "label"]
MAX_RESULTS = 200
MAX_WORDS = 4
NAME_SUFFIXES = ("村", "社区")
# a place word ends like a township/county/city name; its stem (城关镇 → 城关) is the fallback
_PLACE_SUFFIX = re.compile(r"(街道办事处|街道|办事处|镇|乡|县|区|市)$")
_SEPARATORS = re.compile(r"[\s·•・,、;/|]+")
_CODE_LIKE = re.compile(r"[\d\s-]+")
_MIN_CODE_PREFIX = 6
KINDS = ("", "fuzzy", "contains", "prefix", "exact", "code_prefix", "code")
_FUZZY, _CONTAINS, _PREFIX, _EXACT, _CODE_PREFIX, _CODE = range(1, 7)
_MIN_PLACE_LEN = 2

# Score bands, each above the next whatever its penalty: code 100 / code prefix 95; exact 100,
# query + 村/社区 98; prefix 81–90 and contains 71–80 (−1 per extra character, up to 9); fuzzy
# 56–65 at one edit and 46–55 at two (−1 per character of length difference, up to 4, and −5
# when the first character differs).
SCORE_CODE, SCORE_CODE_PREFIX = 100.0, 95.0
SCORE_EXACT, SCORE_STEM = 100.0, 98.0
SCORE_PREFIX, SCORE_CONTAINS, SCORE_FUZZY = 90.0, 80.0, 65.0

# Traditional forms of characters common in Henan place names (the NBS list is simplified),
# so 霍莊村 or 張樓村 typed with a traditional-character input method matches exactly.
_TRADITIONAL = str.maketrans(
    "莊庒樓營灣溝廟崗張劉陳馬趙黃東閻楊鄭許韓馮孫吳呂蘇盧葉鄧蕭龍鳳橋廣堯橫嶺塢後裡裏窪蓮"
    "華興農豐務聖義寧園場鄉鎮縣區關會員廠鋪舖驛號閣壩壠壟隴圍疇臺",
    "庄庄楼营湾沟庙岗张刘陈马赵黄东阎杨郑许韩冯孙吴吕苏卢叶邓萧龙凤桥广尧横岭坞后里里洼莲"
    "华兴农丰务圣义宁园场乡镇县区关会员厂铺铺驿号阁坝垅垄陇围畴台",
)


def normalize_query(query: str) -> str:
    """Full-width → half-width (NFKC), traditional → simplified place-name characters,
    lower case; whitespace trimmed and collapsed to single spaces."""
    text = unicodedata.normalize("NFKC", query or "").translate(_TRADITIONAL).lower()
    return " ".join(text.split())


def _stem(name: str) -> str:
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _text_col(index: pd.DataFrame, col: str) -> list[str]:
    if col not in index:
        return [""] * len(index)
    return index[col].fillna("").astype(str).tolist()


@dataclass(frozen=True, eq=False)
class SearchIndex:
    """The unit index laid out for fast scans; build it with ``prepare_search_index``."""

    columns: dict[str, np.ndarray]  # output columns as object arrays, one entry per row
    codes: np.ndarray
    names: np.ndarray
    stems: np.ndarray
    full_names: np.ndarray
    name_len: np.ndarray
    name_rank: np.ndarray  # position of the name in sorted order: an integer sort key
    code_rank: np.ndarray
    char_rows: dict[str, np.ndarray]  # character -> rows whose name has it (each row once)
    place_blob: str  # the distinct "township\tcounty\tcity" strings, each followed by "\n"
    place_starts: np.ndarray
    place_of_row: np.ndarray  # row -> its place string's number


def _blob(parts: Sequence[str]) -> tuple[str, np.ndarray]:
    lengths = np.fromiter((len(p) + 1 for p in parts), dtype=np.int64, count=len(parts))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return "\n".join(parts) + "\n", starts


def _char_index(names: list[str], name_len: np.ndarray) -> dict[str, np.ndarray]:
    chars = list("".join(names))
    if not chars:
        return {}
    rows = np.repeat(np.arange(len(names), dtype=np.int64), name_len)
    char_ids, uniques = pd.factorize(np.asarray(chars, dtype=object))
    order = np.argsort(char_ids, kind="stable")  # rows stay ascending within a character
    ids, rows = char_ids[order], rows[order]
    keep = np.ones(len(ids), dtype=bool)
    keep[1:] = (ids[1:] != ids[:-1]) | (rows[1:] != rows[:-1])  # a character twice in one name
    ids, rows = ids[keep], rows[keep]
    bounds = np.searchsorted(ids, np.arange(len(uniques) + 1))
    return {ch: rows[bounds[i] : bounds[i + 1]] for i, ch in enumerate(uniques)}


def prepare_search_index(index: pd.DataFrame) -> SearchIndex:
    """Lay the index out for search. Needs code, name, township and county columns;
    full_name, city and unit_type are used when present."""
    missing = {"code", "name", "township", "county"} - set(index.columns)
    if missing:
        raise ValueError(f"搜索索引缺少列：{sorted(missing)}")
    cols = {c: _text_col(index, c) for c in ("code", "name", "township", "county", "city", "unit_type")}
    names = cols["name"]
    name_len = np.fromiter(map(len, names), dtype=np.int64, count=len(names))
    places = [
        f"{t}\t{c}\t{y}" for t, c, y in zip(cols["township"], cols["county"], cols["city"], strict=True)
    ]
    place_of_row, place_uniques = pd.factorize(np.asarray(places, dtype=object))
    place_blob, place_starts = _blob(list(place_uniques))
    columns = {c: np.asarray(v, dtype=object) for c, v in cols.items()}
    return SearchIndex(
        columns=columns,
        codes=columns["code"],
        names=columns["name"],
        stems=np.asarray(
            [n[:-1] if n.endswith("村") and len(n) > 1 else _stem(n) for n in names], dtype=object
        ),
        full_names=np.asarray(_text_col(index, "full_name"), dtype=object),
        name_len=name_len,
        name_rank=pd.factorize(np.asarray(names, dtype=object), sort=True)[0],
        code_rank=pd.factorize(np.asarray(cols["code"], dtype=object), sort=True)[0],
        char_rows=_char_index(names, name_len),
        place_blob=place_blob,
        place_starts=place_starts,
        place_of_row=place_of_row,
    )


_PREPARED: dict[int, tuple[weakref.ref, SearchIndex]] = {}
_MAX_PREPARED = 4


def _prepared(index: pd.DataFrame | SearchIndex) -> SearchIndex:
    """The prepared form of ``index``, remembered while that DataFrame object lives."""
    if isinstance(index, SearchIndex):
        return index
    key = id(index)
    hit = _PREPARED.get(key)
    if hit is not None and hit[0]() is index:
        return hit[1]
    prepared = prepare_search_index(index)

    def _forget(ref: weakref.ref, key: int = key) -> None:
        if _PREPARED.get(key, (None,))[0] is ref:
            _PREPARED.pop(key, None)

    while len(_PREPARED) >= _MAX_PREPARED:
        _PREPARED.pop(next(iter(_PREPARED)))
    _PREPARED[key] = (weakref.ref(index, _forget), prepared)
    return prepared


def _max_edits(word: str) -> int:
    n = len(word)
    return 0 if n < 2 else 1 if n < 6 else 2


def _char_counts(ix: SearchIndex, word: str) -> tuple[np.ndarray, int]:
    """Per row, how many of the word's distinct characters its name contains; and how many there are."""
    distinct = set(word)
    hits = [ix.char_rows[c] for c in distinct if c in ix.char_rows]
    if not hits:
        return np.zeros(len(ix.names), dtype=np.int64), len(distinct)
    return np.bincount(np.concatenate(hits), minlength=len(ix.names)), len(distinct)


def _name_scores(ix: SearchIndex, word: str) -> tuple[np.ndarray, np.ndarray]:
    """Score (0 = no match) and match kind of every unit's name against one word."""
    n = len(ix.names)
    score = np.zeros(n)
    kind = np.zeros(n, dtype=np.int8)
    extra = np.minimum(np.abs(ix.name_len - len(word)), 9)
    counts, distinct = _char_counts(ix, word)

    # substring: the name must have every character of the word
    cand = np.flatnonzero(counts >= distinct)
    if len(cand):
        names = ix.names[cand]
        inside = np.fromiter((word in s for s in names), dtype=bool, count=len(cand))
        start = np.fromiter((s.startswith(word) for s in names), dtype=bool, count=len(cand))
        rows = cand[inside]
        score[rows] = SCORE_CONTAINS - extra[rows]
        kind[rows] = _CONTAINS
        rows = cand[start]
        score[rows] = SCORE_PREFIX - extra[rows]
        kind[rows] = _PREFIX
        for value, targets in ((SCORE_STEM, {word + s for s in NAME_SUFFIXES}), (SCORE_EXACT, {word})):
            rows = cand[np.fromiter((s in targets for s in names), dtype=bool, count=len(cand))]
            score[rows] = value
            kind[rows] = _EXACT
    full = np.flatnonzero(ix.full_names == word) if len(word) > 3 else np.zeros(0, dtype=np.int64)
    score[full] = SCORE_EXACT
    kind[full] = _EXACT

    # fuzzy: within k edits a name keeps all but k of the word's distinct characters
    edits = _max_edits(word)
    if edits:
        cand = np.flatnonzero((counts >= distinct - edits) & (score == 0))
        if len(cand):
            dist = np.minimum(
                process.cdist([word], ix.names[cand], scorer=Levenshtein.distance, score_cutoff=edits)[0],
                process.cdist([word], ix.stems[cand], scorer=Levenshtein.distance, score_cutoff=edits)[0],
            )
            ok = dist <= edits
            rows = cand[ok]
            # Prefer names keeping the first character (the surname in 霍庄村, which people
            # rarely get wrong) over a closer length: 熊村 finds 熊楼村 before 丘村.
            first = np.fromiter((s[:1] == word[:1] for s in ix.names[rows]), dtype=bool, count=len(rows))
            penalty = np.minimum(extra[rows], 4) + 5 * ~first
            score[rows] = SCORE_FUZZY - 10 * (dist[ok] - 1) - penalty
            kind[rows] = _FUZZY
    return score, kind


def _place_mask(ix: SearchIndex, word: str) -> np.ndarray:
    """Units whose township, county or city name contains the word, else its stem (城关镇 → 城关)."""
    for w in dict.fromkeys([word, _PLACE_SUFFIX.sub("", word)]):
        if len(w) < _MIN_PLACE_LEN:
            continue
        at = np.asarray([m.start() for m in re.finditer(re.escape(w), ix.place_blob)], dtype=np.int64)
        if len(at):
            hit = np.zeros(len(ix.place_starts), dtype=bool)
            hit[np.searchsorted(ix.place_starts, at, side="right") - 1] = True
            return hit[ix.place_of_row]
    return np.zeros(len(ix.names), dtype=bool)


def _search_words(ix: SearchIndex, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Best score over the ways to read one word as the name and all others as places."""
    best = np.zeros(len(ix.names))
    kind = np.zeros(len(ix.names), dtype=np.int8)
    places: dict[str, np.ndarray] = {}
    for i, word in enumerate(words):
        others = [w for j, w in enumerate(words) if j != i]
        if any(len(w) < _MIN_PLACE_LEN for w in others):
            continue  # a single character is no place name: "霍 庄" is one name typed apart
        allowed = None
        for w in others:
            if w not in places:
                places[w] = _place_mask(ix, w)
            allowed = places[w] if allowed is None else allowed & places[w]
        if allowed is not None and not allowed.any():
            continue
        score, k = _name_scores(ix, word)
        if allowed is not None:
            score = np.where(allowed, score, 0.0)
        better = score > best
        best[better] = score[better]
        kind[better] = k[better]
    return best, kind


def _place_then_name(word: str) -> list[list[str]]:
    """Ways to read a run-together word as a place then a name: 尧山镇霍庄村 → [尧山镇, 霍庄村]."""
    return [
        [word[:pos], word[pos:]]
        for pos in range(_MIN_PLACE_LEN, len(word) - 1)
        if _PLACE_SUFFIX.search(word[:pos])
    ]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c == "score" else object) for c in RESULT_COLUMNS})


def compute_search(index: pd.DataFrame | SearchIndex, query: str, limit: int = 20) -> pd.DataFrame:
    """Units matching ``query``, best first, as ``RESULT_COLUMNS``.

    ``score`` is 0–100 (see the score bands), ``match`` is code / code_prefix / exact /
    prefix / contains / fuzzy, and ``label`` reads "霍庄村 · 尧山镇 · 鲁山县" (plus the code when
    two results would read the same). An empty query, or no match, gives an empty frame.
    """
    text = normalize_query(query)
    limit = max(0, min(int(limit), MAX_RESULTS))
    if not text or not limit:
        return _empty()
    ix = _prepared(index)
    if not len(ix.names):
        return _empty()

    if _CODE_LIKE.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) == 12:
            score = np.where(ix.codes == digits, SCORE_CODE, 0.0)
            return _result(ix, score, np.full(len(score), _CODE, dtype=np.int8), limit)
        if len(digits) >= _MIN_CODE_PREFIX:
            hit = np.fromiter((c.startswith(digits) for c in ix.codes), dtype=bool, count=len(ix.codes))
            score = np.where(hit, SCORE_CODE_PREFIX, 0.0)
            return _result(ix, score, np.full(len(score), _CODE_PREFIX, dtype=np.int8), limit, by_code=True)
        return _empty()

    words = [w for w in _SEPARATORS.split(text) if w][:MAX_WORDS]
    score, kind = _search_words(ix, words)
    if not score.any() and len(words) > 1:  # "霍 庄": a name typed with a space
        score, kind = _search_words(ix, ["".join(words)])
    if len(words) == 1 and not (score > SCORE_CONTAINS - 10).any():  # "尧山镇霍庄村"
        for split in _place_then_name(words[0]):
            s, k = _search_words(ix, split)
            better = s > score
            score[better] = s[better]
            kind[better] = k[better]
    return _result(ix, score, kind, limit)


def _result(
    ix: SearchIndex, score: np.ndarray, kind: np.ndarray, limit: int, by_code: bool = False
) -> pd.DataFrame:
    rows = np.flatnonzero(score > 0)
    if not len(rows):
        return _empty()
    if by_code:  # the units under a code prefix, in code order
        return _frame(ix, rows[np.argsort(ix.code_rank[rows])][:limit], score, kind)
    # Best score first; among equal scores rarer names first, so one name repeated a hundred
    # times (王庄村) does not hide the others; then shorter names; equal names together by code.
    _, group, size = np.unique(ix.name_rank[rows], return_inverse=True, return_counts=True)
    order = np.lexsort((ix.code_rank[rows], ix.name_rank[rows], ix.name_len[rows], size[group], -score[rows]))
    return _frame(ix, rows[order[:limit]], score, kind)


def _frame(ix: SearchIndex, rows: np.ndarray, score: np.ndarray, kind: np.ndarray) -> pd.DataFrame:
    out = {
        c: ix.columns[c][rows].tolist() for c in ("code", "name", "township", "county", "city", "unit_type")
    }
    labels = [" · ".join(p) for p in zip(out["name"], out["township"], out["county"], strict=True)]
    seen = pd.Series(labels).duplicated(keep=False).tolist()
    out["label"] = [f"{lb} · {c}" if d else lb for lb, c, d in zip(labels, out["code"], seen, strict=True)]
    out["score"] = score[rows].tolist()
    out["match"] = [KINDS[k] for k in kind[rows]]
    return pd.DataFrame(out, columns=RESULT_COLUMNS)
