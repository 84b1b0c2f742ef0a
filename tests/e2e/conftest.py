"""Browser tests: Debian's Chromium driven by Playwright, apps served on a free port, screenshots kept.

Screenshots go to ``artifacts/screenshots/<suite>/`` (``SHIPLOG_SCREENSHOTS`` names one folder instead).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on a threaded werkzeug server at a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module; each test opens its own context or page in it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(request: pytest.FixtureRequest) -> Path:
    """This suite's screenshot folder (``portal``, ``staff``, ``dashboard``: the test's directory)."""
    folder = Path(os.environ.get("SHIPLOG_SCREENSHOTS") or SCREENSHOTS / request.path.parent.name)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


def pytest_terminal_summary(terminalreporter: Any) -> None:
    folder = Path(os.environ.get("SHIPLOG_SCREENSHOTS") or SCREENSHOTS)
    if folder.exists() and any(folder.iterdir()):
        terminalreporter.write_line(f"screenshots: {folder}")
