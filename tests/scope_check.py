"""What a session was shown, as text, to look for another region's data in it.

Everything an AppTest run sent to the browser (every element's protobuf, with its
Arrow tables, chart specs and deck JSON) plus the bytes of every download it offered
(Excel, CSV, HTML, built by calling the deferred callables as a click would).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import streamlit as st
from python_calamine import CalamineWorkbook
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from tests.conftest import sign_in_cookie
from xingtu.auth.principal import Principal
from xingtu.i18n import TEXTS
from xingtu.settings import ROOT

APP = str(ROOT / "app.py")
PAGES = {
    "overview": "app_pages/overview.py",
    "trends": "app_pages/trends.py",
    "unit": "app_pages/unit.py",
    "weak": "app_pages/weak.py",
    "status": "app_pages/status.py",
    "visit": "app_pages/visit.py",
    "screen": "app_pages/screen.py",
    "access": "app_pages/access_log.py",
    "import": "app_pages/data_import.py",
}
OWN = "411102"  # 源汇区: the county user's own county
COUNTY_USER = Principal(user="yuanhui", name="yuanhui", role="county", region="411102000000")


class Downloads:
    """Records the file behind every download button drawn while installed."""

    def __init__(self) -> None:
        self.files: list[tuple[str, bytes]] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original = DeltaGenerator.download_button

        def recording(
            dg: DeltaGenerator, label: str, data: Any, file_name: str | None = None, *a: Any, **kw: Any
        ) -> Any:
            raw = data() if callable(data) else data
            self.files.append((str(file_name), raw.encode() if isinstance(raw, str) else bytes(raw)))
            return original(dg, label, data, file_name, *a, **kw)

        monkeypatch.setattr(DeltaGenerator, "download_button", recording)
        monkeypatch.setattr(st, "download_button", lambda *a, **kw: recording(st._main, *a, **kw))

    def text(self) -> str:
        return "\n".join(file_text(name, data) for name, data in self.files)


def file_text(name: str, data: bytes) -> str:
    if name.endswith(".xlsx"):
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return "\n".join(
            "\t".join(str(v) for v in row)
            for sheet in book.sheet_names
            for row in book.get_sheet_by_name(sheet).to_python()
        )
    return data.decode("utf-8-sig", errors="replace")


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


URL_NOTICE = TEXTS["url.notice"][0].split("：", 1)[0]


def shown_text(at: AppTest) -> str:
    """Every string the run sent: protobuf bytes decoded leniently, plus JSON with \\u escapes undone.

    The notice listing a link's unusable parameters is left out: it repeats what the link
    said (escaped), which is not data the session was given."""
    parts: list[str] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if str(getattr(proto, "body", "")).startswith(URL_NOTICE):
            continue
        if proto is not None and hasattr(proto, "SerializeToString"):
            parts.append(proto.SerializeToString().decode("utf-8", errors="replace"))
    text = "\n".join(parts)
    return text + "\n" + re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def forbidden_markers(store_dir: Path, own: str = OWN) -> tuple[re.Pattern[str], list[str]]:
    """Codes of other counties' regions and units, and names that exist only outside ``own``."""
    if not list(store_dir.glob("*.duckdb")):
        AppTest.from_file(APP, default_timeout=180).run()  # the app builds the store on first use
    con = duckdb.connect(str(next(store_dir.glob("*.duckdb"))), read_only=True)
    try:
        own_names = {
            r[0] for r in con.execute("SELECT name FROM units WHERE code LIKE ? ", [own + "%"]).fetchall()
        }
        own_names |= {r[0] for r in con.execute("SELECT name FROM regions").fetchall() if r[0]}
        other = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT name FROM units WHERE code NOT LIKE ? ORDER BY name", [own + "%"]
            ).fetchall()
        ]
        other_counties = [
            r[0]
            for r in con.execute(
                "SELECT name FROM regions WHERE level = 'county' AND code NOT LIKE ?", [own + "%"]
            ).fetchall()
        ]
    finally:
        con.close()
    # names unlike any of the own county's (a 新村 exists everywhere), long enough to be specific
    names = [n for n in other if n not in own_names and len(n) >= 3 and not any(n in o for o in own_names)]
    counties = sorted({own[:4] + c for c in ("03", "71")} - {own})
    codes = re.compile(r"(?<!\d)(?:" + "|".join(counties) + r")\d{6}(?!\d)")
    return codes, names + other_counties


def leaks(text: str, markers: tuple[re.Pattern[str], list[str]]) -> list[str]:
    codes, names = markers
    found = sorted(set(codes.findall(text)))[:5]
    found += [n for n in names if n in text][:5]
    return found


def open_as(
    principal: Principal | None,
    page: str = "overview",
    params: dict[str, str] | None = None,
    login: str | None = None,
    prepare: Callable[[AppTest], None] | None = None,
) -> AppTest:
    """A session on ``page``, signed in as the server does it: by the session cookie of an account
    (``principal``, an account's principal, or ``login``, its user name). A share link signs in
    by its ``s`` parameter instead (both None)."""
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    if principal is not None:
        if principal.source != "password":
            raise TypeError(f"open_as signs in accounts only, not a {principal.source} principal")
        login = principal.user
    if login is not None:
        sign_in_cookie(login)
    at.run()
    if prepare is not None:
        prepare(at)
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    return at
