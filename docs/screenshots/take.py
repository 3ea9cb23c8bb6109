"""Take the layout screenshots in this folder with headless Chromium.

    .venv/bin/python docs/screenshots/take.py                # starts its own demo server
    .venv/bin/python docs/screenshots/take.py --url http://127.0.0.1:8501

Every page at 390×844 (a phone: ``phone-<page>.png``), the overview at 1920×1080
(``overview.png``) and the big screen at 1920×1080 (``screen.png``), 3840×2160 (4K) and
3840×1080 (a 32:9 wall). Without ``--url`` it runs ``streamlit run serve.py`` on a free port
with the demo data in a temporary store (the first start builds it: about a minute). The 4K
and 32:9 shots are JPEG so the folder stays small.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.local_server import serving  # noqa: E402

OUT = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
UNIT, PARTNER = "411102001001", "411102004201"  # a community of 源汇区 and a village paired with it
PHONE = {
    "overview": "/",
    "trends": "/trends",
    "unit": f"/unit?u={UNIT}",
    "weak": "/weak",
    "status": "/status",
    "visit": f"/visit?stops={UNIT},{PARTNER}",
    "screen": "/screen?every=0",
    "access": "/access",
}
SCREEN_SIZES = [
    (1920, 1080, "screen.png"),
    (3840, 2160, "screen-3840x2160.jpg"),
    (3840, 1080, "screen-3840x1080.jpg"),
]
TIMEOUT_MS = 240_000  # the first page of a fresh server waits for the store to be built

# Drawn: the script has finished, nothing is still loading, and every chart has its SVG at the size
# of its box, with its map's shapes (fetched after the first draw).
_DRAWN = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (!document.querySelector('[data-testid=stMainBlockContainer] [data-testid=stElementContainer]'))
    return false;
  if (document.querySelector('[data-testid=stSpinner], [data-testid=stSkeleton]')) return false;
  return [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(chart => {
    const svg = chart.querySelector('.main-svg');
    if (!svg) return false;
    if (chart.querySelector('.geolayer > .geo') && !chart.querySelector('.geolayer path')) return false;
    return Math.abs(svg.getBoundingClientRect().height - chart.getBoundingClientRect().height) < 2;
  });
}"""
# The big screen: drawn for this window, and the map as large as its box.
_SCREEN_DRAWN = """([w, h]) => {
  const svg = document.querySelector('.st-key-screen-map .main-svg');
  const box = document.querySelector('.st-key-screen-map [data-testid=stPlotlyChart]');
  if (!svg || !box || !document.querySelector(`[data-viewport="${w}x${h}"]`)) return false;
  if (!document.querySelector('.st-key-screen-map .geolayer path')) return false;
  const s = svg.getBoundingClientRect(), b = box.getBoundingClientRect();
  return document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'
    && b.width > 0 && Math.abs(s.width - b.width) < 2 && Math.abs(s.height - b.height) < 2;
}"""


@contextmanager
def demo_server(store: Path) -> Iterator[str]:
    env = {**os.environ, "XINGTU_STORE_DIR": str(store)}
    for name in ("XINGTU_USERS_FILE", "XINGTU_SHARE_SECRET", "XINGTU_AUDIT_FILE", "XINGTU_COUNTIES"):
        env.pop(name, None)  # the read-only demo: no accounts, the whole province
    log = store / "streamlit.log"
    with open(log, "w") as out, serving("serve.py", env, ROOT, out, timeout=60, hint=f"see {log}") as url:
        yield url


def shoot(page: Page, path: Path, kind: str) -> None:
    if kind == "jpeg":
        page.screenshot(path=str(path), type="jpeg", quality=82)
    else:
        page.screenshot(path=str(path))
    print(f"{path}  {path.stat().st_size // 1024} KB")


def take(url: str, out: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = phone.new_page()
        for name, path in PHONE.items():
            page.goto(url + path)
            if name == "screen":
                page.wait_for_function(_SCREEN_DRAWN, arg=[390, 844], timeout=TIMEOUT_MS)
            else:
                page.wait_for_function(_DRAWN, timeout=TIMEOUT_MS)
            shoot(page, out / f"phone-{name}.png", "png")
        phone.close()
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(url + "/")
        page.wait_for_function(_DRAWN, timeout=TIMEOUT_MS)
        shoot(page, out / "overview.png", "png")  # the README's pictures are the 1080p ones
        page.close()
        for width, height, name in SCREEN_SIZES:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url + "/screen?every=0")
            page.wait_for_function(_SCREEN_DRAWN, arg=[width, height], timeout=TIMEOUT_MS)
            shoot(page, out / name, "jpeg" if name.endswith(".jpg") else "png")
            page.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start a demo server)")
    parser.add_argument("--out", type=Path, default=OUT, help="where the images go (default: this folder)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.url:
        take(args.url.rstrip("/"), args.out)
        return
    with tempfile.TemporaryDirectory(prefix="xingtu-shots-") as tmp, demo_server(Path(tmp)) as url:
        take(url, args.out)


if __name__ == "__main__":
    main()
