"""Hostile text for the safe-rendering tests: payloads, and a store whose text holds them.

Unit and region names come from the NBS reference and stars and tasks from the standard, so
no import can set them; ``patch_text`` writes a payload straight into a store copy, into
every table a name or an imported text lives in.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

PAYLOADS: tuple[str, ...] = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "[x](javascript:alert(1))",
    "**粗体**",
    '=HYPERLINK("http://x","y")',
    "&lt;b&gt;",
    "%{x}<br>{n}",  # a plotly template and a pydeck tooltip field
)


def patch_text(con: duckdb.DuckDBPyConnection, text: str, units: Sequence[str] | None = None) -> None:
    """Set names and free text to ``text``: of ``units`` (codes) and their regions, or of everything.

    Covers units (name, full name), regions (every level but the province), the standard's
    stars and tasks, and the imported ledger texts and pairing kinds.
    """
    if units is None:
        con.execute("UPDATE units SET name = $t, full_name = $t", {"t": text})
        con.execute("UPDATE regions SET name = $t WHERE level <> 'province'", {"t": text})
        con.execute("UPDATE stars SET star_name = $t", {"t": text})
        con.execute("UPDATE tasks SET name = $t, description = $t", {"t": text})
        con.execute("UPDATE problems SET problem = $t, helper = $t, measure = $t", {"t": text})
        con.execute("UPDATE pairings SET kind = $t", {"t": text})
        return
    codes = {"codes": list(units), "t": text}
    con.execute("UPDATE units SET name = $t, full_name = $t WHERE code IN (SELECT unnest($codes))", codes)
    con.execute(
        """UPDATE regions SET name = $t WHERE code IN (
               SELECT township_code FROM units WHERE code IN (SELECT unnest($codes)))""",
        codes,
    )
