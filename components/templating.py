"""HTML from Jinja2 templates (autoescape on: every value from the data is text) and our stylesheets.

Templates live in ``components/templates/``, stylesheets and the inline components' scripts
beside the components as ``.css`` and ``.js`` files.
Nothing here imports Streamlit: a template renders the same in a page, a download or a test.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

HERE = Path(__file__).resolve().parent


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a missing value is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **values: object) -> str:
    """The template ``name`` with ``values`` (escaped unless already ``Markup``)."""
    return _env().get_template(name).render(**values)


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def stylesheet(name: str) -> Markup:
    """The stylesheet ``components/<name>.css`` as trusted text for a ``<style>`` block."""
    path = (HERE / f"{name}.css").resolve()
    if path.parent != HERE or path.suffix != ".css":
        raise ValueError(f"not a stylesheet of ours: {name!r}")
    return Markup(_read(path))  # noqa: S704 -- our own file, not data


def script(name: str) -> str:
    """The script ``components/<name>.js`` (an inline component's code: our own file, not data)."""
    path = (HERE / f"{name}.js").resolve()
    if path.parent != HERE or path.suffix != ".js":
        raise ValueError(f"not a script of ours: {name!r}")
    return _read(path)


def cell_styles(name: str) -> dict[str, str]:
    """The rules of ``components/<name>.css`` as ``{class: declarations}``, for styles that go
    through pandas' Styler (a data grid's cells): ``.late { color: red; }`` -> ``{"late": "color: red;"}``.
    The file holds plain one-class rules only."""
    text = re.sub(r"/\*.*?\*/", "", str(stylesheet(name)), flags=re.S)
    rules = re.findall(r"\.([\w-]+)\s*\{([^}]*)\}", text)
    return {cls: " ".join(body.split()) for cls, body in rules}


def style_block(name: str) -> str:
    """``<style>`` with the stylesheet ``components/<name>.css``, for ``st.html``."""
    return f"<style>{stylesheet(name)}</style>"
