"""Static PNG of an HTML map, rendered by headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from geo._errors import IncmapError
from geo.io.atomic import atomic_path

#: Flags that keep Chromium from reaching for the network on its own (updates, sync, etc.).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip


def chromium_path() -> str:
    """Path of the system Chromium (``INCMAP_CHROMIUM`` overrides), or a one-line error."""
    path = os.environ.get("INCMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise IncmapError("Chromium not found: install Debian's `chromium` (apt-get install chromium) or set INCMAP_CHROMIUM")
    return path


def snapshot(html_path: Path, png_path: Path, width: int = 1400, height: int = 900, settle_ms: int = 800) -> dict:
    """Open ``html_path`` from file:// and save a screenshot; returns size and render time.

    Playwright's sync API refuses to run where an asyncio loop is running (Jupyter, or a test session that
    already drives a browser), so the browser is driven from a worker thread of its own.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise IncmapError("snapshots need Playwright for Python: pip install playwright (no browser download needed)") from None
    start = time.perf_counter()
    executable = chromium_path()

    def shoot(target: Path) -> None:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                page.wait_for_timeout(settle_ms)
                page.screenshot(path=str(target))
            finally:
                browser.close()

    with atomic_path(png_path) as tmp, ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(shoot, tmp).result()
    return {"bytes": png_path.stat().st_size, "seconds": time.perf_counter() - start}
