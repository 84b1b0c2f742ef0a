"""A real server (werkzeug, free port) over a SQLite file of demo orders, and Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from core.db import Database
from core.models import Order
from core.payments import FakeGateway
from core.shop import Shop
from tests import factories

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
CHROMIUM_ARGS += ["--disable-sync", "--no-first-run"]


def screenshot_dir() -> Path:
    return Path(os.environ.get("SHIPLOG_SCREENSHOTS") or ROOT / "artifacts" / "screenshots" / "portal")


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    folder = screenshot_dir()
    if folder.exists() and any(folder.iterdir()):
        terminalreporter.write_line(f"portal screenshots: {folder}")


@dataclass
class Server:
    url: str
    shop: Shop
    orders: list[Order]  # delivered, one per flow so flows never share an order


@pytest.fixture(scope="module")
def server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("portal-e2e") / "shiplog.db"
    shutil.copy(sqlite_template, path)
    shop = Shop(db=Database(f"sqlite:///{path}"), gateway=FakeGateway())
    factories.make_catalog(shop)
    orders = []
    for i in range(12):
        order = factories.place(shop, email=f"shopper{i}@example.com")
        number = f"1ZE2E{i:013d}"
        factories.ship_all(shop, order.id, tracking_number=number)
        if i % 2 == 0:
            factories.deliver(shop, number)
        orders.append(factories.reload(shop, order.id))
    from wsgi import create_app

    app = create_app({"SHOP": shop, "DATABASE_URL": shop.db.url, "SECRET_KEY": "e2e", "TESTING": True,
                      "RATELIMIT_ENABLED": False, "PORTAL_POLL_SECONDS": 2, "SHOP_TIMEZONE": "America/Chicago"})  # fmt: skip
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_port}", shop, orders)
    finally:
        httpd.shutdown()
        shop.db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    folder = screenshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nportal screenshots: {folder}")
    return folder
