"""A Streamlit script served on a free local port, for the scripts in ``bench/`` and ``docs/``.

``start`` launches ``streamlit run`` (headless, loopback only) and returns the process and its
URL; ``wait_healthy`` waits for ``/_stcore/health``; ``serving`` does both and stops the
server afterwards.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

Output = IO[str] | int  # a file the server's output goes to, or subprocess.DEVNULL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    script: Path | str, env: dict[str, str], cwd: Path, output: Output = subprocess.DEVNULL
) -> tuple[subprocess.Popen, str]:
    """Launch ``streamlit run script`` on a free port; (the process, its URL). It may not answer yet."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float, interval: float = 0.3) -> bool:
    """Whether the server answered its health check within ``timeout`` seconds (False if it exited)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(interval)
    return False


@contextmanager
def serving(
    script: Path | str,
    env: dict[str, str],
    cwd: Path,
    output: Output = subprocess.DEVNULL,
    timeout: float = 120,
    hint: str = "",
) -> Iterator[str]:
    """The URL of ``script`` served until the block ends; ``hint`` is added when it does not start."""
    proc, url = start(script, env, cwd, output)
    try:
        if not wait_healthy(url, proc, timeout):
            raise SystemExit(f"the server did not start{'; ' + hint if hint else ''}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
