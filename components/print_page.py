"""导出 PDF: any page prints to A4 landscape, from the button or the browser's own print command.

``components/print.css`` is the print stylesheet (A4 landscape, no sidebar or header, no buttons
or inputs, charts, maps and tables never cut by a page break). The small script here adds what
CSS cannot do:

- Charts are drawn at the width the screen gave them (plotly and the map get pixel sizes from
  script, which does not run again while the browser prints), so a page laid out for a 1920 px
  screen would be cut at the paper's edge, and Streamlit's own print style stacks every chart
  on its own sheet. Just before printing (``beforeprint``: the button's ``window.print()``,
  Ctrl+P and the browser menu all fire it) the rows of columns are kept as on screen and the main
  column is zoomed so that its screen width fits the printable width: the paper shows the screen,
  scaled, and no chart is redrawn. A page up to 1.35 sheets long is shrunk onto one sheet; a
  chart still taller than a sheet is scaled down to fit one. ``afterprint`` puts everything back.
  On a phone (columns stacked) the paper, wider than the phone, lays the page out again.
- The button, unlike Ctrl+P, can wait: in a window wider than 1750 px it first narrows the main
  column and lets the charts redraw, so that text on paper keeps at least 0.6 of its size.
- The village map is a WebGL canvas, whose picture a browser may clear once it is on screen
  (some print a blank box). WebGL canvases created after the script has loaded keep their
  drawing buffer (``preserveDrawingBuffer``), so the printed copy has the picture.

The button runs in the page itself (``st.components.v2``, no iframe), so ``window.print()`` prints
the whole app page. The big screen (full screen) shows no button and is left alone.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components import templating
from components.view import t

CSS = Path(__file__).with_name("print.css")

_PRINT = st.components.v2.component(
    "xingtu_print",
    html=templating.render("print_button.html"),
    js=templating.script("print_page"),
    isolate_styles=False,
)


def render(enabled: bool = True) -> None:
    """The print stylesheet and the 导出 PDF button of this page; nothing when not ``enabled``."""
    if not enabled:
        return
    st.html(CSS)
    _PRINT(key="xingtu_print", data={"label": t("print.export"), "help": t("print.help")})
