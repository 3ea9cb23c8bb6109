"""Load test on loopback: N concurrent browser-less sessions changing filters for a while.

Prints figures and issue 18's targets with PASS/FAIL; asserts nothing. Browsers are too heavy to
run thirty of on the machine that serves them, so each session is a websocket client speaking
Streamlit's own protobuf protocol, as the frontend does: a ``rerun_script`` BackMsg carrying
the query string, the page and every widget's value; ForwardMsgs back until ``script_finished``.

- The server is started here (``streamlit run serve.py`` on a free port, the full store in
  ``var/`` unless ``--store-dir``) and stopped at the end; its RSS is sampled every second
  from /proc (baseline before any session connects, peak, at the end of the first minute, final).
- Each session opens a random region (or the province) on a random page, then, after a
  think time (``--think``, default 0.5–2 s), changes one thing at a time: another city, a county or township
  of the current one, year, unit type, star level, star, the reset button, another
  page (overview, trends, weak, unit, status), or nothing ("same": the script reruns
  unchanged, as the browser's "Rerun" does, with a small weight). A rerun is timed from
  sending the change to ``script_finished``.
- Errors: an exception element, an error alert (the app's page error among them), a
  script that did not finish successfully, a page not found, a closed websocket, a rerun
  over ``--timeout`` seconds. A session that lost its connection reconnects.
- ``--login USER:PASSWORD`` signs in first through the server's sign-in route (``POST
  /auth/signin``, timed as "sign-in") and opens the websocket with the session cookie it
  sets, as a browser does, for a server with a users file (``--users-file``).
- Server CPU per run: the server processes' CPU time (/proc, user + system) over the whole
  run divided by the runs served (reruns, first loads, sign-ins).
- Quiet phase (after the load run, on the same server, ``--quiet-reps``, default 5, 0 skips
  it; not with ``--login``): one session, no other active, opens each page on a city link
  ("open") and makes each kind of change it can (same, city, county, township, year, unit
  type, level, star, reset) that many times, one rerun at a time, reading the server's CPU
  around each. The CPU clock ticks in 10 ms, so a cell is the sum over the repetitions
  divided by their number. Printed: a table of server CPU ms per rerun (rows: pages, columns:
  kinds) and the same table of wall time.
- Compared pages (unless ``--no-compare``): the trivial page (``bench/trivial/app.py``: a title
  and 20 lines of text) and the floor page of ``bench/bench_pages.py`` (``bench/floor/app.py``:
  one plotly and one pydeck chart), each served on its own (``streamlit run app.py`` in its
  folder, as many processes as ``--workers``) with the app's settings that matter for CPU,
  read from .streamlit/config.toml (``runner.postScriptGC``, ``runner.magicEnabled``,
  ``server.fileWatcherType``, ``server.headless``, ``browser.gatherUsageStats``). Each is opened
  once untimed (its first run imports plotly and pydeck, which serve.py does at start for the
  app), then driven by the same number of sessions with the same think time for
  ``--compare-duration`` seconds (default 60), every session rerunning the page unchanged;
  the quiet phase adds their unchanged rerun ("same") to its tables. Printed::

      CPU per run   app NNN ms   trivial NN ms   floor NN ms   app/trivial X.XX×   app/floor X.XX×
        app/trivial ≤ 1.5×: PASS

Targets (issue 18), chosen by the think time:

- reading profile (minimum think ≥ 5 s; the issue's 30 sessions on one process): rerun p95
  ≤ 0.5 s, first load p95 ≤ 3 s, 0 errors, server CPU per run ≤ 1.5× the trivial page's;
- hammer profile (minimum think < 5 s; the issue's 30 sessions on two processes): rerun p95
  ≤ 1.5 s, 0 errors;
- both: summed RSS ≤ 600 MB per process + 10 MB per session, and RSS at the end ≤ 5 % above
  RSS at the end of the first minute (printed for runs of 90 s or more; the issue's run is 10 minutes).

The clients share the machine with the server: their CPU time is printed too, with the
load average at start and end.

Run: ``.venv/bin/python bench/bench_load.py --sessions 30 --duration 120 --think 5,15`` (reading),
``.venv/bin/python bench/bench_load.py --sessions 30 --duration 120 --workers 2 --think 0.5,2`` (hammer).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xingtu.i18n import translate  # noqa: E402

PAGES = ("overview", "trends", "weak", "unit", "status")  # url paths; the overview is the default page
PAGE_ERROR = {translate("app.page_error", lang) for lang in ("zh", "en")}
# How often each kind of change is made (relative weights).
ACTIONS = {
    "city": 3.0,
    "county": 3.0,
    "township": 1.0,
    "year": 2.0,
    "unit_type": 2.0,
    "level": 2.0,
    "star": 1.0,
    "reset": 1.0,
    "page": 1.5,
    # A rerun with nothing changed (the browser's "Rerun"); the only change a page without filters has.
    "same": 0.5,
}
# The quiet phase: each kind of change, in this order, a few times on each page.
QUIET_KINDS = ("same", "city", "county", "township", "year", "unit_type", "level", "star", "reset")
# The app's server settings (.streamlit/config.toml) that the trivial and floor servers get too.
COMPARED_SETTINGS = (
    "runner.postScriptGC",
    "runner.magicEnabled",
    "server.fileWatcherType",
    "server.headless",
    "browser.gatherUsageStats",
)
# The pages the app's CPU per run is compared with: name -> the folder of its app.py.
# (name, folder of its app.py, whether it gets the app's settings or Streamlit's defaults). The
# trivial page runs twice: with the app's settings (the strict floor) and with Streamlit's
# defaults (a full garbage collection after every run), as issue 18 measured its 65 ms.
COMPARED = (
    ("trivial", ROOT / "bench" / "trivial", True),
    ("trivial-defaults", ROOT / "bench" / "trivial", False),
    ("floor", ROOT / "bench" / "floor", True),
)
DEFAULT_FLAGS = ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
VALUE_WIDGETS = ("selectbox", "radio", "text_input", "checkbox")  # those whose value a session sends
FINISHED = ForwardMsg.ScriptFinishedStatus


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))] if s else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float | None:
    """Resident set size of a process (VmRSS), or None once it is gone."""
    try:
        for row in Path(f"/proc/{pid}/status").read_text().splitlines():
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- one session --------------------------------------------------------------------------------


@dataclasses.dataclass
class Widget:
    id: str
    kind: str
    options: list[str]
    value: str | bool | None
    form_id: str

    @property
    def key(self) -> str:
        """The user key, visible at the end of the id (``$$ID-<hash>-<key>``)."""
        return self.id.split("-", 2)[2] if self.id.startswith("$$ID-") else self.id

    def state(self) -> WidgetState | None:
        if self.value is None:
            return None
        s = WidgetState(id=self.id)
        if isinstance(self.value, bool):
            s.bool_value = self.value
        else:
            s.string_value = self.value
        return s


@dataclasses.dataclass
class Run:
    """What one script run sent back."""

    seconds: float = 0.0
    errors: list[str] = dataclasses.field(default_factory=list)
    widgets: dict[str, Widget] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Stats:
    reruns: dict[str, list[float]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    first_loads: list[float] = dataclasses.field(default_factory=list)
    logins: list[float] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    reconnects: int = 0
    received_bytes: int = 0
    notes: set[str] = dataclasses.field(default_factory=set)

    @property
    def rerun_times(self) -> list[float]:
        return [s for times in self.reruns.values() for s in times]


def _value(kind: str, el: Any, before: Widget | None) -> str | bool | None:
    """A widget's value in the frontend after drawing: set by the script, else kept, else the default."""
    if kind in ("selectbox", "radio", "text_input"):
        field = "value" if kind == "text_input" else "raw_value"
        if el.set_value:
            return getattr(el, field) if el.HasField(field) else None
        if before is not None:
            return before.value
        if kind == "text_input":
            return el.default if el.HasField("default") else ""
        return (
            el.options[el.default] if el.HasField("default") and 0 <= el.default < len(el.options) else None
        )
    if el.set_value:  # checkbox, toggle
        return bool(el.value)
    return before.value if before is not None else bool(el.default)


class SessionError(Exception):
    """The connection is unusable (closed or timed out): the session reconnects."""


class Session:
    """One browser tab, without the browser: widget values, page, query string, message cache."""

    def __init__(self, url: str, stats: Stats, rng: random.Random, timeout: float) -> None:
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.stats = stats
        self.rng = rng
        self.timeout = timeout
        self.ws: websockets.ClientConnection | None = None
        self.cookie = ""  # the sign-in session cookie, sent with the websocket handshake
        self.widgets: dict[str, Widget] = {}
        self.pages: dict[str, str] = {}  # url path ("" for the default page) -> page script hash
        self.page_hash = ""
        self.query_string = ""
        # The frontend's ForwardMsg cache: hash -> (message, script run it was last used in).
        self.cache: dict[str, tuple[ForwardMsg, int]] = {}
        self.run_count = 0
        self.max_cached_age = 2

    async def connect(self) -> None:
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=self.timeout,
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
        )
        self.widgets, self.pages, self.page_hash, self.cache, self.run_count = {}, {}, "", {}, 0

    async def close(self) -> None:
        if self.ws is not None:
            with suppress(Exception):
                await self.ws.close()
            self.ws = None

    def by_key(self, key: str) -> Widget | None:
        return next((w for w in self.widgets.values() if w.key == key), None)

    async def rerun(
        self,
        *,
        query_string: str | None = None,
        page_hash: str | None = None,
        page_name: str = "",
        changed: list[WidgetState] | None = None,
        form: str = "",
    ) -> Run:
        """Send a rerun as the browser does (every widget's value, the change on top), wait for the end."""
        states: dict[str, WidgetState] = {}
        for w in self.widgets.values():
            if w.form_id and w.form_id != form:  # a form's values go only with its submission
                continue
            state = w.state()
            if state is not None:
                states[w.id] = state
        for state in changed or []:
            states[state.id] = state
        if query_string is not None:  # the address bar changes (an opened link, a page change)
            self.query_string = query_string
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query_string
        cs.page_script_hash = self.page_hash if page_hash is None else page_hash
        cs.page_name = page_name
        cs.widget_states.widgets.extend(states.values())
        cs.cached_message_hashes.extend(self.cache)
        cs.context_info.timezone = "Asia/Shanghai"
        cs.context_info.timezone_offset = -480
        cs.context_info.locale = "zh-CN"
        cs.context_info.url = self.ws_url.replace("ws://", "http://").removesuffix("/_stcore/stream")
        cs.context_info.color_scheme = "light"
        assert self.ws is not None
        t0 = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            run = await asyncio.wait_for(self._until_finished(), self.timeout)
        except TimeoutError as exc:
            raise SessionError(f"timeout: no script_finished within {self.timeout:.0f} s") from exc
        except websockets.ConnectionClosed as exc:
            raise SessionError(f"websocket closed: {exc}") from exc
        run.seconds = time.perf_counter() - t0
        self.widgets = run.widgets
        return run

    async def _until_finished(self) -> Run:
        run = Run()
        previous = self.widgets
        assert self.ws is not None
        while True:
            data = await self.ws.recv()
            self.stats.received_bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if self._handle(msg, run, previous):
                return run

    def _handle(self, msg: ForwardMsg, run: Run, previous: dict[str, Widget]) -> bool:
        """Apply one message to the session; True when the run it belongs to has finished."""
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":  # a message the client said it has cached
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                run.errors.append(f"reference to a message not in the cache: {msg.ref_hash}")
                return False
            resolved = ForwardMsg()
            resolved.CopyFrom(cached[0])
            resolved.metadata.CopyFrom(msg.metadata)
            self.cache[msg.ref_hash] = (cached[0], self.run_count)
            msg, kind = resolved, resolved.WhichOneof("type")
        elif msg.metadata.cacheable:
            self.cache[msg.hash] = (msg, self.run_count)

        if kind == "new_session":  # a script run starts (again, after st.rerun)
            run.widgets = {}
            self.page_hash = msg.new_session.page_script_hash
            age = msg.new_session.config.max_cached_message_age
            self.max_cached_age = age if age > 0 else self.max_cached_age
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            run.errors.append(f"page not found: {msg.page_not_found.page_name}")
        elif (
            kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception"
        ):
            run.errors.append(f"compilation error: {msg.session_event.script_compilation_exception.message}")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, run, previous)
        elif kind == "script_finished":
            status = msg.script_finished
            if status == FINISHED.FINISHED_EARLY_FOR_RERUN:  # st.rerun(): another run follows
                return False
            if status not in (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                run.errors.append(f"script finished: {FINISHED.Name(status)}")
            self.run_count += 1  # the frontend ages its cache by script runs
            self.cache = {
                h: (m, used)
                for h, (m, used) in self.cache.items()
                if self.run_count - used <= self.max_cached_age
            }
            return True
        return False

    def _element(self, element: Element, run: Run, previous: dict[str, Widget]) -> None:
        kind = element.WhichOneof("type")
        el: Any = getattr(element, kind) if kind else None
        if kind == "exception":
            run.errors.append(f"exception: {el.type}: {el.message}"[:300])
        elif kind == "alert" and el.format == Alert.ERROR:
            label = "page error" if el.body in PAGE_ERROR else "error alert"
            run.errors.append(f"{label}: {el.body}"[:300])
        elif kind in VALUE_WIDGETS and el.id:
            options = list(el.options) if kind in ("selectbox", "radio") else []
            before = previous.get(el.id)
            run.widgets[el.id] = Widget(el.id, kind, options, _value(kind, el, before), el.form_id)
        elif kind == "button" and el.id:
            run.widgets[el.id] = Widget(el.id, kind, [], None, el.form_id)

    # --- what a user does ---

    def current_page(self) -> str:
        """The url path of the page shown ("overview" for the default page)."""
        return next((p for p, h in self.pages.items() if h == self.page_hash), "") or "overview"

    def _page_targets(self) -> list[str]:
        current = self.current_page()
        return [p for p in PAGES if (p if p != "overview" else "") in self.pages and p != current]

    def actions(self) -> dict[str, float]:
        """The kinds of change the current page allows, with their weights. "same" (a rerun with
        nothing changed, as the browser's "Rerun" does) is always possible."""
        actions = dict(ACTIONS)
        for name in ("city", "county", "township", "year", "unit_type", "level", "star"):
            w = self.by_key(f"filter.{name}")
            if w is None or len(w.options) < 2:
                actions.pop(name)
        if self.by_key("filter.reset") is None:
            actions.pop("reset")
        if not self._page_targets():
            actions.pop("page")
        return actions

    def change(self, action: str) -> tuple[str, dict]:
        """One change of this kind (one that ``actions`` allows): (action, rerun arguments)."""
        if action == "same":
            return action, {}
        if action == "page":
            page = self.rng.choice(self._page_targets())
            # A page change drops the query string (the app writes the view back into it).
            return f"page:{page}", {
                "page_hash": self.pages["" if page == "overview" else page],
                "query_string": "",
            }
        if action == "reset":
            w = self.by_key("filter.reset")
            assert w is not None
            return action, {"changed": [WidgetState(id=w.id, trigger_value=True)]}
        w = self.by_key(f"filter.{action}")
        assert w is not None
        # Regions: a place, not the "all" entry (the reset and the province come back through "reset").
        pool = w.options[1:] if action in ("city", "county", "township") else w.options
        choices = [o for o in pool if o != w.value] or pool
        return action, {"changed": [WidgetState(id=w.id, string_value=self.rng.choice(choices))]}

    def choose(self) -> tuple[str, dict]:
        """A random change that the current page allows: (action, rerun arguments). On a page
        without filters that is an unchanged rerun."""
        actions = self.actions()
        action = self.rng.choices(list(actions), weights=list(actions.values()))[0]
        return self.change(action)

    async def sign_in(self, base_url: str, user: str, password: str) -> float:
        """POST the sign-in form as a browser does; keep the session cookie. Seconds taken."""
        t0 = time.perf_counter()
        self.cookie = await asyncio.to_thread(sign_in_cookie, base_url, user, password, self.timeout)
        return time.perf_counter() - t0


def sign_in_cookie(base_url: str, user: str, password: str, timeout: float) -> str:
    """The ``name=value`` of the session cookie the sign-in route sets (raises SessionError if none)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    body = urllib.parse.urlencode({"user": user, "password": password, "next": "/"}).encode()
    request = urllib.request.Request(f"{base_url}/auth/signin", data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as err:  # 303 (not followed) or a refusal
        response = err
    cookie = response.headers.get("Set-Cookie", "")
    if response.status != 303 or not cookie:
        raise SessionError(f"sign-in refused (HTTP {response.status})")
    return cookie.split(";", 1)[0]


async def run_session(
    url: str,
    stats: Stats,
    rng: random.Random,
    *,
    start_at: float,
    end_at: float,
    first_queries: list[str],
    login: tuple[str, str] | None,
    timeout: float,
    think: tuple[float, float],
    pages: tuple[str, ...] = PAGES,
    filters: bool = True,
) -> None:
    """One user for the whole test: open, (sign in,) then change filters until ``end_at``.

    A session opens ``pages[0]`` (or, one time in three, any of ``pages``). With ``filters``
    a page that shows none stops the session (the app would be refusing it); without, the
    session reruns the page unchanged (the trivial and floor pages)."""
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    session = Session(url, stats, rng, timeout)
    need_open = True
    while time.monotonic() < end_at:
        try:
            if need_open:
                if login is not None and not session.cookie:  # signed in once, kept for reconnects
                    stats.logins.append(await session.sign_in(url, *login))
                await session.close()
                await session.connect()
                page = rng.choice(pages) if rng.random() < 0.3 else pages[0]
                first = await session.rerun(
                    query_string=rng.choice(first_queries),
                    page_hash="",
                    page_name="" if page == "overview" else page,
                )
                stats.first_loads.append(first.seconds)
                stats.errors.extend(first.errors)
                if filters and session.by_key("filter.city") is None:
                    stats.notes.add("a session saw no filters after opening and stopped (sign-in needed?)")
                    break
                need_open = False
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= end_at:
                break
            action, kwargs = session.choose()
            run = await session.rerun(**kwargs)
            stats.reruns[action.split(":")[0]].append(run.seconds)
            stats.errors.extend(f"{e} (after {action})" for e in run.errors)
        except (SessionError, OSError, websockets.InvalidHandshake) as exc:
            stats.errors.append(f"{type(exc).__name__}: {exc}")
            stats.reconnects += 1
            need_open = True
            await asyncio.sleep(1.0)
    await session.close()


async def run_load(
    urls: list[str],
    sessions: int,
    duration: float,
    *,
    first_queries: list[str],
    login: tuple[str, str] | None = None,
    timeout: float = 30.0,
    think: tuple[float, float] = (0.5, 2.0),
    ramp: float = 5.0,
    seed: int = 20251121,
    pages: tuple[str, ...] = PAGES,
    filters: bool = True,
) -> Stats:
    """Run ``sessions`` users for ``duration`` seconds (after a ramp); user i stays on server i mod N,
    as behind a proxy with session affinity."""
    stats = Stats()
    now = time.monotonic()
    end_at = now + ramp + duration
    await asyncio.gather(
        *(
            run_session(
                urls[i % len(urls)],
                stats,
                random.Random(seed + i),
                start_at=now + ramp * i / max(1, sessions),
                end_at=end_at,
                first_queries=first_queries,
                login=login,
                timeout=timeout,
                think=think,
                pages=pages,
                filters=filters,
            )
            for i in range(sessions)
        )
    )
    return stats


@dataclasses.dataclass
class Measured:
    """One load run against one set of server processes."""

    stats: Stats
    wall: float  # seconds, ramp included
    server_cpu: float  # seconds, all the server processes
    client_cpu: float  # seconds, this process (the clients)
    rss: list[tuple[float, float]]  # (seconds since the start, the servers' summed RSS in MB)
    baseline: float  # MB, before any session connected

    @property
    def runs(self) -> int:
        """Script runs served: reruns, first loads (and sign-ins, also served by the process)."""
        stats = self.stats
        return len(stats.rerun_times) + len(stats.first_loads) + len(stats.logins)

    @property
    def cpu_per_run(self) -> float:
        """Seconds of server CPU per run: the CPU delta over the whole run divided by the runs."""
        return self.server_cpu / max(1, self.runs)

    def rss_after(self, seconds: float) -> float | None:
        """The first RSS sample taken ``seconds`` or more after the start (None if the run was shorter)."""
        return next((mb for t, mb in self.rss if t >= seconds), None)


async def measure(
    urls: list[str], pids: list[int], sessions: int, duration: float, **kwargs: Any
) -> Measured:
    """``run_load`` with the servers' CPU (/proc) and RSS (every second) around it."""
    stop = asyncio.Event()
    samples: list[tuple[float, float]] = []
    baseline = sum(rss_mb(pid) or float("nan") for pid in pids)
    t0 = time.monotonic()
    sampler = asyncio.create_task(sample_rss(pids, samples, stop, t0))
    server0 = sum(cpu_seconds(pid) for pid in pids)
    client0 = time.process_time()
    stats = await run_load(urls, sessions, duration, **kwargs)
    wall = time.monotonic() - t0
    server_cpu = sum(cpu_seconds(pid) for pid in pids) - server0
    client_cpu = time.process_time() - client0
    stop.set()
    await sampler
    return Measured(stats, wall, server_cpu, client_cpu, samples, baseline)


# --- one change at a time, nothing else running -------------------------------------------------

SETTLE = 0.1  # seconds of quiet before and after each measured rerun (the server finishes its sends)


@dataclasses.dataclass
class Quiet:
    """Single reruns with no other session active: row (page) -> kind -> [(server CPU s, wall s)]."""

    runs: dict[str, dict[str, list[tuple[float, float]]]] = dataclasses.field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    errors: list[str] = dataclasses.field(default_factory=list)

    def mean(self, row: str, kind: str, which: int) -> float | None:
        """Mean over the repetitions (CPU is counted in 10 ms ticks: sum, then divide)."""
        values = self.runs.get(row, {}).get(kind)
        return sum(v[which] for v in values) / len(values) if values else None


async def quiet_phase(
    quiet: Quiet,
    url: str,
    pid: int,
    *,
    pages: tuple[str, ...],
    kinds: tuple[str, ...],
    query: str,
    reps: int,
    timeout: float,
    seed: int,
    row: str = "",
) -> None:
    """One session opens each page on the link ``query`` ("open"), then makes each kind of change
    it can ``reps`` times, one rerun at a time, reading the server's CPU (/proc) around each."""
    rng = random.Random(seed)

    async def timed(session: Session, label: str, kind: str, kwargs: dict) -> None:
        await asyncio.sleep(SETTLE)
        cpu0 = cpu_seconds(pid)
        run = await session.rerun(**kwargs)
        await asyncio.sleep(SETTLE)
        quiet.runs[label][kind].append((cpu_seconds(pid) - cpu0, run.seconds))
        quiet.errors.extend(f"{e} ({label}, {kind})" for e in run.errors)

    for page in pages:
        session = Session(url, Stats(), rng, timeout)
        try:
            await session.connect()
            opened = {"query_string": query, "page_hash": "", "page_name": "" if page == "overview" else page}
            await timed(session, row or page, "open", opened)
            for kind in kinds:
                for _ in range(reps):
                    if kind not in session.actions():
                        break
                    city = session.by_key("filter.city")
                    if kind == "reset" and city is not None and city.value == city.options[0]:
                        await session.rerun(**session.change("city")[1])  # something to reset (not timed)
                    await timed(session, row or page, kind, session.change(kind)[1])
        except (SessionError, OSError, websockets.InvalidHandshake) as exc:
            quiet.errors.append(f"{row or page}: {type(exc).__name__}: {exc}")
        finally:
            await session.close()


async def warm_up(urls: list[str], timeout: float) -> None:
    """Open each server's page once, untimed: its first run imports what the page uses, which
    serve.py does at start for the app."""
    for url in urls:
        session = Session(url, Stats(), random.Random(0), timeout)
        try:
            await session.connect()
            await session.rerun(query_string="", page_hash="")
        finally:
            await session.close()


# --- the server ---------------------------------------------------------------------------------


def compared_flags() -> list[str]:
    """The command-line flags that give the trivial and floor servers the app's settings that
    matter for CPU (read from .streamlit/config.toml, which ``streamlit run serve.py`` reads)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    values = {"server.headless": True, "browser.gatherUsageStats": False}  # whatever the file says
    for name in COMPARED_SETTINGS:
        section, key = name.split(".")
        if key in config.get(section, {}):
            values[name] = config[section][key]
    flags = []
    for name, value in values.items():
        flags += [f"--{name}", str(value).lower() if isinstance(value, bool) else str(value)]
    return flags


@contextmanager
def serve(
    script: str, cwd: Path, port: int, env: dict[str, str], flags: list[str], log: IO[str]
) -> Iterator[subprocess.Popen]:
    """``streamlit run script`` in ``cwd`` on ``port`` (loopback only), stopped when the block ends."""
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", *flags]
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_servers(
    stack: ExitStack,
    workers: int,
    first_port: int,
    script: str,
    cwd: Path,
    env: dict[str, str],
    flags: list[str],
) -> tuple[list[int], list[str]] | None:
    """Start ``workers`` servers and wait until they answer: (pids, urls), or None (the log is printed)."""
    pids, urls = [], []
    for i in range(workers):
        port = first_port + i if first_port else free_port()
        log = stack.enter_context(tempfile.TemporaryFile("w+"))  # noqa: SIM115 (closed by the stack)
        proc = stack.enter_context(serve(script, cwd, port, env, flags, log))
        url = f"http://127.0.0.1:{port}"
        if not healthy(url, proc):
            log.seek(0)
            print(f"the server ({cwd / script}) did not start:\n{log.read()[-4000:]}", file=sys.stderr)
            return None
        pids.append(proc.pid)
        urls.append(url)
    return pids, urls


def wait_settled(pids: list[int], limit: float) -> float | None:
    """Seconds until the servers' CPU stayed under 10 % of a core for 2 s (None after ``limit``)."""
    t0 = time.monotonic()
    quiet_since: float | None = None
    before = sum(cpu_seconds(pid) for pid in pids)
    stop = threading.Event()
    while time.monotonic() - t0 < limit:
        stop.wait(0.5)  # a look every half second: the CPU clock counts in 10 ms steps
        now = sum(cpu_seconds(pid) for pid in pids)
        busy = (now - before) / 0.5 > 0.10
        before = now
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 2.0:
            return time.monotonic() - t0
    return None


def healthy(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


async def sample_rss(
    pids: list[int], samples: list[tuple[float, float]], stop: asyncio.Event, t0: float
) -> None:
    """The servers' summed RSS, once a second: (seconds since ``t0``, MB)."""
    while not stop.is_set():
        values = [rss_mb(pid) for pid in pids]
        if all(v is not None for v in values):
            samples.append((time.monotonic() - t0, sum(v for v in values if v is not None)))
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


def first_queries() -> list[str]:
    """Opening links: the province (no query) or one of the configured cities."""
    from xingtu.reference.divisions import load_divisions
    from xingtu.settings import get_settings

    settings = get_settings()
    cities = load_divisions().query("level == 'city'")["code"]
    if settings.counties:
        cities = cities[cities.str[:4].isin({c[:4] for c in settings.counties})]
    return ["", *(f"r={c[:4]}" for c in cities)]


# --- report -------------------------------------------------------------------------------------


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f}"


def report(
    app: Measured, args: argparse.Namespace, load: tuple[tuple[float, ...], tuple[float, ...]]
) -> None:
    stats, wall = app.stats, app.wall
    times = stats.rerun_times
    print(
        f"星图 load test: {args.sessions} sessions × {args.duration:.0f} s, "
        f"think {args.think} s, {args.workers} server process(es), {os.cpu_count()} cores"
    )
    start, end = (" ".join(f"{x:.2f}" for x in avg) for avg in load)
    print(f"  load average   start {start}   end {end}")
    n = len(times)
    opened = len(stats.first_loads)
    per_run = stats.received_bytes / max(1, n + opened) / 1024
    print(f"  reruns         {n} ({n / wall:.1f}/s), first loads {opened}, reconnects {stats.reconnects}")
    print(f"  received       {stats.received_bytes / 1e6:.1f} MB ({per_run:.0f} KB per run)")
    print(f"  errors         {len(stats.errors)}")
    for text in list(dict.fromkeys(stats.errors))[:5]:
        print(f"    {text}")
    for note in sorted(stats.notes):
        print(f"  note: {note}")

    def row(name: str, values: list[float]) -> None:
        if values:
            print(
                f"  {name:14s} p50 {pct(values, 50):5.2f}  p95 {pct(values, 95):5.2f}  "
                f"p99 {pct(values, 99):5.2f}  max {max(values):5.2f} s  (n={len(values)})"
            )

    row("rerun", times)
    row("first load", stats.first_loads)
    row("sign-in", stats.logins)
    by = "  ".join(
        f"{k} {pct(v, 95):.2f}" for k, v in sorted(stats.reruns.items(), key=lambda kv: -pct(kv[1], 95))
    )
    if by:
        print(f"  p95 by action  {by}")
    print(
        f"  CPU            server {app.server_cpu / wall:.2f} cores ({ms(app.cpu_per_run)} ms "
        f"per run), load clients {app.client_cpu / wall:.2f} cores"
    )
    peak = max((mb for _, mb in app.rss), default=float("nan"))
    final = app.rss[-1][1] if app.rss else float("nan")
    minute = app.rss_after(60)
    print(
        f"  server RSS     baseline {app.baseline:.0f} MB (no session), peak {peak:.0f} MB, "
        f"at 1 min {'-' if minute is None else f'{minute:.0f}'} MB, final {final:.0f} MB"
    )


def report_compared(name: str, measured: Measured, workers: int) -> None:
    stats = measured.stats
    times = stats.rerun_times
    print(
        f"  {name:8s} {workers} process(es): reruns {len(times)}, first loads {len(stats.first_loads)}, "
        f"errors {len(stats.errors)}, rerun p50 {pct(times, 50):.2f} p95 {pct(times, 95):.2f} s, "
        f"server CPU {ms(measured.cpu_per_run)} ms per run"
    )
    for text in list(dict.fromkeys(stats.errors))[:3]:
        print(f"    {text}")


def report_quiet(quiet: Quiet, query: str, reps: int) -> None:
    columns = ("open", *QUIET_KINDS)
    for title, which in (("server CPU", 0), ("wall time", 1)):
        print(
            f"Quiet phase, {title} per rerun in ms (mean of {reps}; one session, no other; opened on "
            f"'{query}'; trivial and floor rerun unchanged):"
        )
        print("  " + f"{'page':10s}" + "".join(f"{c:>10s}" for c in columns))
        for row in quiet.runs:
            print("  " + f"{row:10s}" + "".join(f"{ms(quiet.mean(row, c, which)):>10s}" for c in columns))
    print(f"  errors {len(quiet.errors)}")
    for text in list(dict.fromkeys(quiet.errors))[:5]:
        print(f"    {text}")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report_cpu(app: Measured, compared: dict[str, Measured]) -> float | None:
    """The CPU-per-run line; the app/trivial ratio (None without the trivial page)."""
    cells = [f"app {ms(app.cpu_per_run)} ms"]
    cells += [f"{name} {ms(m.cpu_per_run)} ms" for name, m in compared.items()]
    ratios = {name: app.cpu_per_run / m.cpu_per_run for name, m in compared.items() if m.cpu_per_run > 0}
    cells += [f"app/{name} {ratio:.2f}×" for name, ratio in ratios.items()]
    print("CPU per run   " + "   ".join(cells))
    ratio = ratios.get("trivial")
    if ratio is not None:
        print(f"  app/trivial (same server settings) ≤ 1.5×: {verdict(ratio <= 1.5)} ({ratio:.2f}×)")
    defaults = ratios.get("trivial-defaults")
    if defaults is not None:
        print(
            f"  app/trivial (Streamlit's defaults, as issue 18 measured it) ≤ 1.5×: "
            f"{verdict(defaults <= 1.5)} ({defaults:.2f}×)"
        )
    return ratio


def report_targets(app: Measured, args: argparse.Namespace, ratio: float | None) -> None:
    """Issue 18's targets, for the profile the think time says."""
    stats = app.stats
    reading = args.think_range[0] >= 5
    rerun95, first95 = pct(stats.rerun_times, 95), pct(stats.first_loads, 95)
    if reading:
        print("Targets, reading profile (think ≥ 5 s; issue 18 measures 30 sessions on 1 process):")
        print(f"  rerun p95 ≤ 0.5 s: {verdict(rerun95 <= 0.5)} ({rerun95:.2f} s)")
        print(f"  first load p95 ≤ 3 s: {verdict(first95 <= 3.0)} ({first95:.2f} s)")
    else:
        print("Targets, hammer profile (think < 5 s; issue 18 measures 30 sessions on 2 processes):")
        print(f"  rerun p95 ≤ 1.5 s: {verdict(rerun95 <= 1.5)} ({rerun95:.2f} s)")
    print(f"  errors 0: {verdict(not stats.errors)} ({len(stats.errors)})")
    if reading:
        shown = "not measured (--no-compare)" if ratio is None else f"{verdict(ratio <= 1.5)} ({ratio:.2f}×)"
        print(f"  server CPU per run ≤ 1.5× the trivial page's: {shown}")
    limit = 600 * args.workers + 10 * args.sessions
    peak = max((mb for _, mb in app.rss), default=float("nan"))
    print(
        f"  RSS ≤ 600 MB × {args.workers} process(es) + 10 MB × {args.sessions} sessions = {limit} MB: "
        f"{verdict(peak <= limit)} (peak {peak:.0f} MB)"
    )
    minute = app.rss_after(60)
    if minute is None or app.wall < 90:
        print("  RSS growth after the first minute ≤ 5 %: not measured (run shorter than 90 s)")
    else:
        final = app.rss[-1][1]
        growth = (final / minute - 1) * 100
        print(
            f"  RSS growth after the first minute ≤ 5 %: {verdict(growth <= 5)} "
            f"({minute:.0f} MB at 1 min, {final:.0f} MB at the end: {growth:+.1f} %)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument(
        "--settle",
        type=float,
        default=240.0,
        help="at most this many seconds to wait, after start, for the app servers to finish warming "
        "their caches (CPU idle); 0 measures at once, as readers arriving at a cold start",
    )
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of changes after the ramp")
    parser.add_argument("--ramp", type=float, default=5.0, help="sessions open spread over this many seconds")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--store-dir", type=Path, default=ROOT / "var")
    parser.add_argument("--users-file", type=Path, help="passed to the server as XINGTU_USERS_FILE")
    parser.add_argument("--login", help="USER:PASSWORD to sign in with first")
    parser.add_argument("--timeout", type=float, default=30.0, help="a rerun slower than this is an error")
    parser.add_argument("--seed", type=int, default=20251121)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes; user i stays on process i mod N (a proxy with session affinity)",
    )
    parser.add_argument(
        "--think",
        default="0.5,2",
        help="MIN,MAX seconds a user looks at a result before the next change (0.5,2 hammers; 5,15 reads)",
    )
    parser.add_argument(
        "--no-compare", action="store_true", help="skip the trivial and floor pages (no CPU ratios)"
    )
    parser.add_argument(
        "--compare-duration",
        type=float,
        default=60.0,
        help="seconds of reruns (after the ramp) on the trivial and on the floor page",
    )
    parser.add_argument(
        "--quiet-reps",
        type=int,
        default=5,
        help="repetitions of each kind of change in the quiet phase (0 skips it)",
    )
    args = parser.parse_args()
    login = tuple(args.login.split(":", 1)) if args.login else None
    if login is not None and len(login) != 2:
        parser.error("--login takes USER:PASSWORD")
    try:
        low, high = (float(x) for x in args.think.split(","))
    except ValueError:
        parser.error("--think takes MIN,MAX")
    args.think_range = (low, high)

    queries = first_queries()
    city_link = next((q for q in queries if q), "")
    quiet = Quiet()
    load_start = os.getloadavg()
    env = {**os.environ, "XINGTU_STORE_DIR": str(args.store_dir)}
    if args.users_file is not None:
        env["XINGTU_USERS_FILE"] = str(args.users_file)
    with ExitStack() as stack:
        app_flags = ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
        started = start_servers(stack, args.workers, args.port, "serve.py", ROOT, env, app_flags)
        if started is None:
            return 1
        pids, urls = started
        if args.settle > 0:  # a server warms its caches when a data version comes into force
            settled = wait_settled(pids, args.settle)
            print(f"servers settled (CPU < 10 % for 2 s) after {settled:.0f} s" if settled is not None
                  else f"servers still busy after {args.settle:.0f} s; measuring anyway")
        app = asyncio.run(
            measure(
                urls,
                pids,
                args.sessions,
                args.duration,
                first_queries=queries,
                login=login,
                timeout=args.timeout,
                think=args.think_range,
                ramp=args.ramp,
                seed=args.seed,
            )
        )
        load_end = os.getloadavg()
        report(app, args, (load_start, load_end))
        if args.quiet_reps > 0 and login is None:
            asyncio.run(
                quiet_phase(
                    quiet,
                    urls[0],
                    pids[0],
                    pages=PAGES,
                    kinds=QUIET_KINDS,
                    query=city_link,
                    reps=args.quiet_reps,
                    timeout=args.timeout,
                    seed=args.seed,
                )
            )
        elif login is not None:
            print("  (no quiet phase with --login)")
    sys.stdout.flush()

    compared: dict[str, Measured] = {}
    if not args.no_compare:
        flags = compared_flags()
        print(
            f"Compared pages: {args.sessions} sessions × {args.compare_duration:.0f} s, "
            f"think {args.think} s, unchanged reruns; server flags {' '.join(flags)}"
        )
        for name, folder, same_settings in COMPARED:
            with ExitStack() as stack:
                own = flags if same_settings else DEFAULT_FLAGS
                started = start_servers(stack, args.workers, 0, "app.py", folder, dict(os.environ), own)
                if started is None:
                    return 1
                pids, urls = started
                asyncio.run(warm_up(urls, args.timeout))
                compared[name] = asyncio.run(
                    measure(
                        urls,
                        pids,
                        args.sessions,
                        args.compare_duration,
                        first_queries=[""],
                        timeout=args.timeout,
                        think=args.think_range,
                        ramp=args.ramp,
                        seed=args.seed,
                        pages=("overview",),
                        filters=False,
                    )
                )
                report_compared(name, compared[name], args.workers)
                sys.stdout.flush()
                if args.quiet_reps > 0:
                    asyncio.run(
                        quiet_phase(
                            quiet,
                            urls[0],
                            pids[0],
                            pages=("overview",),
                            kinds=("same",),
                            query="",
                            reps=args.quiet_reps,
                            timeout=args.timeout,
                            seed=args.seed,
                            row=name,
                        )
                    )
    if quiet.runs:
        report_quiet(quiet, city_link, args.quiet_reps)
    ratio = report_cpu(app, compared)
    report_targets(app, args, ratio)
    return 0


if __name__ == "__main__":
    sys.exit(main())
