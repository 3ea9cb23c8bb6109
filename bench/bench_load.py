"""Load test on loopback: N concurrent browser-less sessions changing filters for a while.

Prints figures, asserts nothing (targets: zero errors; rerun p95 ≤ 1 s; server RSS ≤
600 MB + 20 MB per session). Browsers are too heavy to run thirty of on the machine that
serves them, so each session is a websocket client speaking Streamlit's own protobuf
protocol, as the frontend does: a ``rerun_script`` BackMsg carrying the query string,
the page and every widget's value; ForwardMsgs back until ``script_finished``.

- The server is started here (``streamlit run serve.py`` on a free port, the full store in
  ``var/`` unless ``--store-dir``) and stopped at the end; its RSS is sampled every second
  from /proc (baseline before any session connects, peak, final).
- Each session opens a random region (or the province) on a random page, then, after a
  think time (``--think``, default 0.5–2 s), changes one thing at a time: another city, a county or township
  of the current one, year, unit type, star level, star, the reset button, or another
  page (overview, trends, weak, unit, status). A rerun is timed from sending the change to
  ``script_finished``.
- Errors: an exception element, an error alert (the app's page error among them), a
  script that did not finish successfully, a page not found, a closed websocket, a rerun
  over ``--timeout`` seconds. A session that lost its connection reconnects.
- ``--login USER:PASSWORD`` signs in first through the server's sign-in route (``POST
  /auth/signin``, timed as "sign-in") and opens the websocket with the session cookie it
  sets, as a browser does, for a server with a users file (``--users-file``).

The clients share the machine with the server: their CPU time is printed too, with the
load average at start and end.

Run: ``.venv/bin/python bench/bench_load.py --sessions 30 --duration 300``.
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
import time
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
}
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

    def choose(self) -> tuple[str, dict] | None:
        """A random change that the current page allows: (action, rerun arguments)."""
        actions = dict(ACTIONS)
        for name in ("city", "county", "township", "year", "unit_type", "level", "star"):
            w = self.by_key(f"filter.{name}")
            if w is None or len(w.options) < 2:
                actions.pop(name)
        if self.by_key("filter.reset") is None:
            actions.pop("reset")
        current = next((p for p, h in self.pages.items() if h == self.page_hash), None)
        targets = [
            p for p in PAGES if (p if p != "overview" else "") in self.pages and p != (current or "overview")
        ]
        if not targets:
            actions.pop("page")
        if not actions:
            return None
        action = self.rng.choices(list(actions), weights=list(actions.values()))[0]
        if action == "page":
            page = self.rng.choice(targets)
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
) -> None:
    """One user for the whole test: open, (sign in,) then change filters until ``end_at``."""
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
                page = rng.choice(PAGES) if rng.random() < 0.3 else "overview"
                first = await session.rerun(
                    query_string=rng.choice(first_queries),
                    page_hash="",
                    page_name="" if page == "overview" else page,
                )
                stats.first_loads.append(first.seconds)
                stats.errors.extend(first.errors)
                if session.by_key("filter.city") is None:
                    stats.notes.add("a session saw no filters after opening and stopped (sign-in needed?)")
                    break
                need_open = False
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= end_at:
                break
            choice = session.choose()
            if choice is None:  # nothing to change: open again
                need_open = True
                continue
            action, kwargs = choice
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
            )
            for i in range(sessions)
        )
    )
    return stats


# --- the server ---------------------------------------------------------------------------------


@contextmanager
def serve(port: int, store_dir: Path, users_file: Path | None, log: IO[str]) -> Iterator[subprocess.Popen]:
    env = {**os.environ, "XINGTU_STORE_DIR": str(store_dir)}
    if users_file is not None:
        env["XINGTU_USERS_FILE"] = str(users_file)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "serve.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


async def sample_rss(pids: list[int], samples: list[float], stop: asyncio.Event) -> None:
    """The servers' summed RSS, once a second."""
    while not stop.is_set():
        values = [rss_mb(pid) for pid in pids]
        if all(v is not None for v in values):
            samples.append(sum(v for v in values if v is not None))
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


def report(
    stats: Stats,
    args: argparse.Namespace,
    rss: list[float],
    baseline: float,
    load: tuple[tuple[float, ...], tuple[float, ...]],
    cpu: tuple[float, float],
    wall: float,
) -> None:
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
    server_cpu, client_cpu = cpu
    runs = n + opened + len(stats.logins)
    print(
        f"  CPU            server {server_cpu / wall:.2f} cores ({server_cpu / max(1, runs) * 1000:.0f} ms "
        f"per run), load clients {client_cpu / wall:.2f} cores"
    )
    peak = max(rss, default=float("nan"))
    final = rss[-1] if rss else float("nan")
    print(
        f"  server RSS     baseline {baseline:.0f} MB (no session), peak {peak:.0f} MB, final {final:.0f} MB"
    )
    target = 600 + 20 * args.sessions
    verdict = "PASS" if peak <= target else "FAIL"
    print(f"  RSS target: 600 + 20 × {args.sessions} MB = {target} MB: {verdict} (peak {peak:.0f} MB)")
    p95 = pct(times, 95)
    print(
        f"  p95 target 1 s: {'PASS' if p95 <= 1.0 else 'FAIL'} ({p95:.2f} s)" if times else "  p95: no reruns"
    )
    print(f"  errors target 0: {'PASS' if not stats.errors else 'FAIL'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
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
    args = parser.parse_args()
    login = tuple(args.login.split(":", 1)) if args.login else None
    if login is not None and len(login) != 2:
        parser.error("--login takes USER:PASSWORD")

    load_start = os.getloadavg()
    with ExitStack() as stack:
        procs, urls = [], []
        for i in range(args.workers):
            port = args.port + i if args.port else free_port()
            log = stack.enter_context(tempfile.TemporaryFile("w+"))
            proc = stack.enter_context(serve(port, args.store_dir, args.users_file, log))
            url = f"http://127.0.0.1:{port}"
            if not healthy(url, proc):
                log.seek(0)
                print(f"the server did not start:\n{log.read()[-4000:]}", file=sys.stderr)
                return 1
            procs.append(proc)
            urls.append(url)
        pids = [p.pid for p in procs]
        baseline = sum(rss_mb(pid) or float("nan") for pid in pids)
        samples: list[float] = []
        queries = first_queries()
        low, high = (float(x) for x in args.think.split(","))
        think = (low, high)

        async def measured() -> tuple[Stats, float, float, float]:
            stop = asyncio.Event()
            sampler = asyncio.create_task(sample_rss(pids, samples, stop))
            server0 = sum(cpu_seconds(pid) for pid in pids)
            client0, t0 = time.process_time(), time.monotonic()
            stats = await run_load(
                urls,
                args.sessions,
                args.duration,
                first_queries=queries,
                login=login,  # type: ignore[arg-type]
                timeout=args.timeout,
                think=think,
                ramp=args.ramp,
                seed=args.seed,
            )
            wall = time.monotonic() - t0
            server_cpu = sum(cpu_seconds(pid) for pid in pids) - server0
            client_cpu = time.process_time() - client0
            stop.set()
            await sampler
            return stats, wall, server_cpu, client_cpu

        stats, wall, server_cpu, client_cpu = asyncio.run(measured())
    report(stats, args, samples, baseline, (load_start, os.getloadavg()), (server_cpu, client_cpu), wall)
    return 0


if __name__ == "__main__":
    sys.exit(main())
