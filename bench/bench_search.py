"""Unit search benchmark: latency and hit rate of ``compute_search`` over the full unit index.

Prints figures, asserts nothing (target: p95 ≤ 50 ms per query over 52,378 units).
200 realistic queries are drawn deterministically from the index: exact names, names
without 村/社区, one wrong or missing character (never spelling another real name), a
traditional character, name plus township or county, pasted labels and codes (also
full-width). "Found" means a unit with the intended name is among the top 20 (the
intended unit itself, for codes and queries narrowed by place).

Run: ``.venv/bin/python bench/bench_search.py [store.duckdb]`` (default: the app's store,
built first if missing or stale). The store is opened read-only.
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xingtu.domain.search import compute_search, prepare_search_index
from xingtu.store.build import ensure_store
from xingtu.store.queries import query_unit_index

QUERIES = 200
LIMIT = 20
_SIMPLIFIED_TO_TRADITIONAL = {
    "庄": "莊",
    "楼": "樓",
    "营": "營",
    "湾": "灣",
    "沟": "溝",
    "张": "張",
    "刘": "劉",
}


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def _stem(name: str) -> str:
    for suffix in ("村", "社区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def make_queries(index: pd.DataFrame, rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, query, intended code) triples."""
    rows = index[index["name"].str.len().between(3, 6)].reset_index(drop=True)
    alphabet = list("".join(rows["name"].sample(500, random_state=1)))
    kinds = [
        ("exact name", 30),
        ("name without 村/社区", 25),
        ("one wrong character", 30),
        ("one missing character", 20),
        ("traditional character", 10),
        ("name + township", 25),
        ("name + county", 20),
        ("run-together township+name", 10),
        ("pasted label", 10),
        ("code", 10),
        ("full-width code with spaces", 5),
        ("one or two characters", 5),
    ]
    real_names = set(index["name"])
    out = []
    for kind, n in kinds:
        while sum(k == kind for k, _, _ in out) < n:
            r = rows.iloc[rng.randrange(len(rows))]
            name = r["name"]
            if kind == "exact name":
                q = name
            elif kind == "name without 村/社区":
                q = _stem(name)
            elif kind == "one wrong character":
                i = rng.randrange(len(name))
                q = name[:i] + rng.choice([c for c in alphabet if c != name[i]]) + name[i + 1 :]
            elif kind == "one missing character":
                i = rng.randrange(len(name))
                q = name[:i] + name[i + 1 :]
            elif kind == "traditional character":
                q = "".join(_SIMPLIFIED_TO_TRADITIONAL.get(c, c) for c in name)
            elif kind == "name + township":
                q = f"{_stem(name)} {r['township']}"
            elif kind == "name + county":
                q = f"{name} {r['county']}"
            elif kind == "run-together township+name":
                q = f"{r['township']}{name}"
            elif kind == "pasted label":
                q = f"{name} · {r['township']} · {r['county']}"
            elif kind == "code":
                q = r["code"]
            elif kind == "full-width code with spaces":
                code = r["code"].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                q = f"{code[:6]} {code[6:9]} {code[9:]}"
            else:
                q = name[: rng.choice([1, 2])]
            if kind.startswith("one ") and kind != "one or two characters" and q in real_names:
                continue  # a typo that spells another real name is not a typo anyone can catch
            out.append((kind, q, r["code"]))
    rng.shuffle(out)
    return out


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ensure_store()
    with duckdb.connect(str(path), read_only=True) as con:
        t0 = time.perf_counter()
        index = query_unit_index(con)
        load_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    prepared = prepare_search_index(index)
    prep_ms = (time.perf_counter() - t0) * 1000
    names = dict(zip(index["code"], index["name"], strict=True))
    queries = make_queries(index, random.Random(20251130))

    compute_search(index, "霍庄村")  # prepares the DataFrame once, as the app's cached index does
    ms: list[float] = []
    found: dict[str, list[bool]] = defaultdict(list)
    for kind, query, code in queries:
        t = time.perf_counter()
        res = compute_search(index, query, LIMIT)
        ms.append((time.perf_counter() - t) * 1000)
        strict = kind.startswith(("name +", "run-together", "pasted", "code", "full-width"))
        hit = code in set(res["code"]) if strict else names[code] in set(res["name"])
        found[kind].append(hit)
    prepared_ms = []
    for _, query, _ in queries:
        t = time.perf_counter()
        compute_search(prepared, query, LIMIT)
        prepared_ms.append((time.perf_counter() - t) * 1000)

    print(f"星图 unit search benchmark ({len(index):,} units, {len(queries)} queries, top {LIMIT})")
    print(f"  load unit index (query_unit_index)   {load_ms:6.1f} ms")
    print(f"  prepare search index (once)          {prep_ms:6.1f} ms")
    print(
        f"  compute_search(DataFrame)   p50 {pct(ms, 50):5.1f} ms   p95 {pct(ms, 95):5.1f} ms   "
        f"max {max(ms):5.1f} ms  (target p95 ≤ 50 ms)"
    )
    print(
        f"  compute_search(SearchIndex) p50 {pct(prepared_ms, 50):5.1f} ms   "
        f"p95 {pct(prepared_ms, 95):5.1f} ms   max {max(prepared_ms):5.1f} ms"
    )
    print("  found in top 20, by query kind:")
    for kind, hits in found.items():
        print(f"    {kind:28s} {sum(hits):3d}/{len(hits):3d}")


if __name__ == "__main__":
    main()
