"""What the dashboard's first load moves over the wire, with and without compressed, cached assets.

    .venv/bin/python bench/bench_dashboard_weight.py

The hand-built test story is served twice on a free port (DASHBOARD_COMPRESS_ASSETS false, then true);
Debian's Chromium (Playwright, never ``playwright install``) signs in as a manager, empties its cache and
opens the overview until every chart is drawn ("cold"), then opens it again ("warm": what the browser
cache saves). Bytes are Chromium's own count of what came over the network (``encodedDataLength``:
headers and bodies as sent); first paint and first contentful paint from the Paint Timing API, and the
time until every chart is drawn (``performance.now()`` once Plotly has laid each one out).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STORY = "from=2025-03-03&to=2025-03-09"
PLOTLY_URL = re.compile(r"/plotly(\.v[\w-]+m[0-9a-f]+)?\.min\.js")
PASSWORD = "correct horse battery"
CHARTS_DRAWN = "() => document.querySelectorAll('.js-plotly-plot').length > 0 && [...document.querySelectorAll('.js-plotly-plot')].every(p => p._fullLayout)"
PAINT = "() => Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]))"


def story_app(compress: bool, folder: Path) -> Any:
    """The dashboard over the tests' hand-built story, a manager able to sign in."""
    from core import migrations
    from core.analytics import StoreWriter
    from core.db import Database
    from core.services.access import create_staff_user
    from tests.integration.analytics.conftest import build_story
    from wsgi import create_app as make

    database_url = f"sqlite:///{folder}/weight-{compress}.db"
    migrations.upgrade(database_url)
    database = Database(database_url)
    shop, _ = build_story(database)
    create_staff_user(shop, email="boss@example.com", password=PASSWORD, role="manager")
    store = folder / f"store-{compress}"
    writer = StoreWriter(database, store)
    writer.sync()
    writer.close()
    return make(
        {"SHOP": shop, "DATABASE_URL": database_url, "SECRET_KEY": "bench-weight", "PUBLIC_BASE_URL": "http://127.0.0.1",
         "RATELIMIT_STORAGE_URI": "memory://", "ANALYTICS_STORE": str(store), "DASHBOARD_COMPRESS_ASSETS": compress}
    )  # fmt: skip


def _load(page: Any, cdp: Any, url: str) -> dict[str, Any]:
    moved: dict[str, Any] = {"bytes": 0, "requests": 0, "plotly": 0, "plotly_id": None}

    def finished(event: dict[str, Any]) -> None:
        moved["bytes"] += int(event["encodedDataLength"])
        moved["requests"] += 1
        if event["requestId"] == moved["plotly_id"]:
            moved["plotly"] = int(event["encodedDataLength"])

    def responded(event: dict[str, Any]) -> None:
        if PLOTLY_URL.search(event["response"]["url"]):  # versioned (plotly.v…m<hash>.min.js) or not
            moved["plotly_id"] = event["requestId"]

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.responseReceived", responded)
    page.goto(url)
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    paint = page.evaluate(PAINT) | {"drawn": page.evaluate("() => performance.now()")}
    cdp.remove_listener("Network.loadingFinished", finished)
    cdp.remove_listener("Network.responseReceived", responded)
    return moved | {"fp": paint.get("first-paint"), "fcp": paint.get("first-contentful-paint"), "drawn": paint["drawn"]}


def measure(compress: bool, folder: Path, browser: Any) -> dict[str, dict[str, Any]]:
    from tests.e2e.conftest import serving

    with serving(story_app(compress, folder)) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/staff/login")
        page.fill("#email", "boss@example.com")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cold = _load(page, cdp, f"{base}/dashboard/?{STORY}")
        warm = _load(page, cdp, f"{base}/dashboard/?{STORY}")
        page.close()
    return {"cold": cold, "warm": warm}


def main() -> None:
    import logging

    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would bury the table
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        results = {label: measure(flag, Path(tmp), browser) for label, flag in (("before", False), ("after", True))}
        browser.close()
    head = f"{'assets':<8} {'load':<5} {'requests':>8} {'bytes moved':>13} {'plotly.min.js':>14}"
    print(f"{head} {'first paint':>12} {'FCP':>8} {'charts drawn':>13}")
    for label, found in results.items():
        for load in ("cold", "warm"):
            r = found[load]
            sizes = f"{label:<8} {load:<5} {r['requests']:>8} {r['bytes']:>13,} {r['plotly']:>14,}"
            print(f"{sizes} {r['fp'] or 0:>10.0f}ms {r['fcp'] or 0:>6.0f}ms {r['drawn']:>11.0f}ms")


if __name__ == "__main__":
    main()
