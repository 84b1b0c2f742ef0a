"""The journeys' world: one app and server per module over fresh data made through the services, the
notifier's local sink as the shoppers' mailbox, and one browser context per journey."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import Database
from core.models import SinkMessage
from core.payments import FakeGateway
from core.shop import Shop
from tests import factories
from tests.e2e.conftest import SCREENSHOTS, serving
from tests.e2e.journeys.harness import SIZES, Journey
from tests.integration.dashboard.conftest import answering

PASSWORD = "correct horse battery"
FIGURES = "axe-*.json"  # written by each journey beside its screenshots


@dataclass
class Site:
    """The running app, its shop, and what the notifier sent."""

    url: str
    shop: Shop
    app: Flask
    store: Path  # the analytics store the dashboard reads (ANALYTICS_STORE)

    def publish_analytics(self) -> None:
        """Bring the dashboard's store up to date, as ``flask analytics sync`` does."""
        from core.analytics import StoreWriter

        writer = StoreWriter(self.shop.db, self.store)
        writer.sync()
        writer.close()

    def send_mail(self) -> None:
        """Run the dispatcher once, as ``flask notifications work --once`` does: the sink receives."""
        from notifications import wiring

        with self.app.app_context():
            wiring.build_dispatcher(self.app).drain()

    def message(self, to: str, subject: str) -> SinkMessage:
        """The newest email to ``to`` whose subject has ``subject``: it must have been sent."""
        self.send_mail()
        with self.shop.db.read() as session:
            found = session.scalars(
                select(SinkMessage).where(SinkMessage.recipient == to, SinkMessage.channel == "email")
            ).all()
        matching = [m for m in found if subject in (m.subject or "")]
        assert matching, f"no email to {to} about {subject!r}; got {[m.subject for m in found]}"
        return matching[-1]

    def link(self, to: str, subject: str, label: str) -> str:
        """The first link after ``label`` on its line of that email's text, as the shopper would follow it."""
        body = self.message(to, subject).body_text
        found = re.search(re.escape(label) + r"[^\n]*?(https?://\S+)", body)
        assert found, f"no {label!r} link in:\n{body}"
        assert found.group(1).startswith(self.url), found.group(1)
        return found.group(1)


def _app(shop: Shop, store: Path) -> Flask:
    from wsgi import create_app

    return create_app(
        {
            "SHOP": shop,
            "DATABASE_URL": shop.db.url,
            "SECRET_KEY": "journeys",
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PORTAL_POLL_SECONDS": 600,  # no poll swaps in the middle of a step: clicks alone make them
            "SHOP_TIMEZONE": "America/Chicago",
            "SHOP_RETURN_ADDRESS": "Shiplog Returns, 400 Dock Road, Springfield, IL 62701",
            "ANALYTICS_STORE": str(store),
        }
    )


@pytest.fixture(scope="module")
def site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One app per module, on its own SQLite file, links in messages pointing at its server."""
    path = tmp_path_factory.mktemp("journeys") / "shiplog.db"
    shutil.copy(sqlite_template, path)
    shop = Shop(db=Database(f"sqlite:///{path}"), gateway=FakeGateway())
    factories.make_catalog(shop)
    store = tmp_path_factory.mktemp("analytics")
    app = _app(shop, store)
    try:
        with answering(store), serving(app) as url:
            app.config["PUBLIC_BASE_URL"] = url  # read when the dispatcher is built
            yield Site(url, shop, app, store)
    finally:
        shop.db.dispose()


@pytest.fixture
def walk(browser: Any, shots: Path, js: bool, size: str) -> Iterator[Callable[[str], Journey]]:
    """Start a journey in a fresh browser context with JavaScript ``js`` at ``size``."""
    contexts: list[Any] = []

    def start(name: str) -> Journey:
        context = browser.new_context(java_script_enabled=js, viewport=SIZES[size])
        contexts.append(context)
        return Journey(context, name=name, js=js, size=size, folder=shots)

    yield start
    for context in contexts:
        context.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """axe's figures for every journey page of this run: the worst of each page over its variants."""
    ran = [r for kind in terminalreporter.stats.values() for r in kind if "e2e/journeys/" in getattr(r, "nodeid", "")]
    folder = Path(os.environ.get("SHIPLOG_SCREENSHOTS") or SCREENSHOTS / "journeys")
    worst: dict[str, list[int]] = {}
    for file in sorted(folder.glob(FIGURES)) if ran else []:
        journey = file.stem.removeprefix("axe-").split("-")[0]
        for page in json.loads(file.read_text()):
            counts = [page[i] for i in ("critical", "serious", "moderate", "minor")] + [len(page["small_targets"])]
            key = f"{journey} · {page['step']}"
            worst[key] = [max(a, b) for a, b in zip(worst.get(key, counts), counts, strict=True)]
    if worst:
        terminalreporter.write_line(f"axe (WCAG 2.2 AA) per journey page, worst variant ({folder}):")
        terminalreporter.write_line("  critical/serious/moderate/minor violations, tap targets under 24x24 px")
        for key, counts in worst.items():
            terminalreporter.write_line(f"  {key}: {'/'.join(map(str, counts[:4]))}, {counts[4]}")
