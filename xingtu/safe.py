"""Data text made inert for each place it reaches a browser: it shows as exactly that text.

Names (units, regions, stars, tasks) and everything imported (problem texts, helpers,
measures, pairing kinds, file and importer names) are data: a unit called
``<img src=x onerror=alert(1)>`` must show those characters and run nothing. Each output
reads text differently, so each has its own escape (pure functions, no Streamlit):

* ``html_text``: HTML and SVG we write ourselves (``st.html``, the briefing and the
  itinerary files, the big screen): ``& < > " '`` as entities.
* ``plotly_text``: text, hover text, axis categories and legend names of plotly charts.
  Plotly reads a subset of HTML there (``<b>``, ``<br>``, ``<a href>``…) and turns the
  entities ``&amp; &lt; &gt;`` back into characters when drawing, so escaping those three
  shows the text literally. Quotes stay as they are: plotly decodes no ``&quot;``.
* ``markdown_text``: ``st.markdown``, ``st.caption``, alerts and every widget, expander
  and metric label (Streamlit reads labels as Markdown): every ASCII punctuation
  character backslash-escaped (CommonMark allows exactly those), so no emphasis, link,
  image, heading, colour directive, formula or HTML can form, and line breaks become spaces
  (a break could end a heading or a list item early).

Pydeck tooltips need none of these: Streamlit (1.67) escapes the ``{field}`` values it puts
into a ``tooltip={"html": ...}`` template, so the data in a deck stays raw (escaping it
too would show ``&lt;``). ``tests/test_safe_rendering.py`` checks that the installed
Streamlit still does, and ``tests/e2e/test_xss_browser.py`` hovers a payload-named unit.
"""

from __future__ import annotations

import html
import re
import string

_MD_SPECIAL = frozenset(string.punctuation)
_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def html_text(value: object) -> str:
    """Text for HTML or SVG content and quoted attribute values."""
    return html.escape(str(value), quote=True)


def plotly_text(value: object) -> str:
    """Text for a plotly chart (text, customdata shown by a hovertemplate, categories, names)."""
    return html.escape(str(value), quote=False)


def markdown_text(value: object) -> str:
    """Text for Streamlit Markdown (and so every label): all ASCII punctuation escaped, one line."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in _BREAKS.sub(" ", str(value)))
