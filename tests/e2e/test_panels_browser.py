"""Panels in real Chromium: a widget inside one (the village layer, the counties compared) reruns
that panel alone. Read from the server's own messages on the websocket: in that run every
element sent belongs to the panel, and nothing outside it is sent again. The address bar follows,
so a reload opens the same view."""

from __future__ import annotations

import urllib.parse

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.e2e.conftest import wait_for_app
from tests.polling import wait_until


def _listen(page) -> tuple[list[ForwardMsg], list]:
    """Every message the server sends this page from now on, decoded; and the page's websockets."""
    messages: list[ForwardMsg] = []
    sockets: list = []

    def on_frame(payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            msg = ForwardMsg()
            msg.ParseFromString(payload)
            messages.append(msg)

    def on_socket(ws) -> None:
        sockets.append(ws)
        ws.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    return messages, sockets


def _deltas(messages: list[ForwardMsg]) -> list[ForwardMsg]:
    return [m for m in messages if m.WhichOneof("type") == "delta"]


def _finished(payload: bytes | str) -> bool:
    """A frame saying a run has ended (the server's own word: no guessing from the page, where a
    quick run may end before the browser ever shows it running)."""
    if not isinstance(payload, bytes):
        return False
    msg = ForwardMsg()
    msg.ParseFromString(payload)
    return msg.WhichOneof("type") == "script_finished"


def _query(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


def test_switching_the_village_layer_reruns_its_panel_alone_and_the_link_keeps_it(browser, server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    messages, sockets = _listen(page)
    page.goto(f"{server}/?r=411100000000")  # 漯河: the points layer by default
    wait_for_app(page)
    full = len(_deltas(messages))
    assert full > 40  # a whole page: filters, cards, map, village layer, levels, ranking

    del messages[:]
    with sockets[-1].expect_event("framereceived", predicate=_finished, timeout=60_000):
        page.get_by_role("radio", name="六边形密度").click()
    deltas = _deltas(messages)
    assert deltas, "the panel drew nothing"
    fragments = {m.delta.fragment_id for m in deltas}
    assert len(fragments) == 1 and "" not in fragments  # one panel's elements, nothing else
    assert any(m.delta.new_element.WhichOneof("type") == "deck_gl_json_chart" for m in deltas)
    assert len(deltas) < full / 4
    assert _query(page).get("layer") == ["hex"]

    page.reload()
    wait_for_app(page)
    selected = page.locator("[data-testid='stButtonGroup'] button[aria-checked='true']")
    assert "六边形密度" in selected.all_inner_texts()
    page.close()


def test_choosing_counties_to_compare_reruns_that_panel_alone(browser, server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    messages, sockets = _listen(page)
    page.goto(f"{server}/trends?r=411100000000")
    wait_for_app(page)
    full = len(_deltas(messages))

    box = page.get_by_test_id("stMultiSelect").filter(has_text="选择要对比的县（区）")

    def opened() -> bool:  # a click while the page is still settling may not open the list: again
        if page.get_by_role("option").count() == 0:
            box.click()
        return page.get_by_role("option").count() > 0

    wait_until(opened, timeout=30, what="the list of counties to compare", interval=0.5)
    del messages[:]
    with sockets[-1].expect_event("framereceived", predicate=_finished, timeout=60_000):
        page.get_by_role("option").first.click()
    deltas = _deltas(messages)
    fragments = {m.delta.fragment_id for m in deltas}
    assert deltas and len(fragments) == 1 and "" not in fragments
    assert len(deltas) < full / 4
    assert any(m.delta.new_element.WhichOneof("type") == "plotly_chart" for m in deltas)  # the comparison
    assert _query(page).get("cmp", [""])[0]  # the county chosen is in the link
    page.close()
