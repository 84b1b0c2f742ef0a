"""The shopper's side, from where shoppers really start: a demo-like shop served on a free port, its
notifier sending to the local mailbox (the staff mailbox's sink), and a browser that fails a test on any
console error, failed script or unexpected 4xx/5xx.

Orders are made per test through the real services (``tests.factories``), so tests never share one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from core.clock import utcnow
from core.domain.commands import LineInput
from core.models import Order, Product, SinkMessage, Variant
from core.services import fulfilment
from core.shop import Shop
from tests import factories

RETURN_ADDRESS = "Demo Store Returns; 500 Dock Street, Unit 4; Chicago, IL 60607; United States"
DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
HOODIE_M, HOODIE_L = "HOOD-M-BLK", "HOOD-L-BLK"


@dataclass
class Shopper:
    url: str
    app: Flask
    shop: Shop
    made: int = 0

    def mailbox(self, recipient: str) -> list[SinkMessage]:
        """Deliver what the notifier has waiting (``notifications work --once``), then this address's mail."""
        from notifications import wiring

        with self.app.app_context():
            wiring.build_dispatcher(self.app).drain()
        with self.shop.db.read() as session:
            query = select(SinkMessage).where(SinkMessage.recipient == recipient).order_by(SinkMessage.id)
            return list(session.scalars(query))

    def mail(self, recipient: str, subject: str) -> SinkMessage:
        found = [m for m in self.mailbox(recipient) if subject in (m.subject or "")]
        assert found, f"no email to {recipient} about {subject!r}"
        return found[-1]

    def link(self, message: SinkMessage, label: str) -> str:
        """The link after ``label`` in an email's text, as a shopper would follow it."""
        found = re.search(rf"{re.escape(label)} (\S+)", message.body_text)
        assert found, f"{label!r} not in {message.subject!r}"
        assert found.group(1).startswith(self.url), found.group(1)  # our portal, never someone else's site
        return found.group(1)

    def email(self) -> str:
        self.made += 1
        return f"shopper{self.made}@example.com"

    def number(self) -> str:
        """A tracking number no other test uses."""
        self.made += 1
        return f"1ZSHOP{self.made:08d}"

    def order(self, lines: list[tuple[str, int]] | None = None) -> Order:
        """A paid order (the confirmation email is waiting in the outbox), by its own shopper."""
        chosen = [LineInput(sku, qty) for sku, qty in (lines or [(HOODIE_M, 1)])]
        return factories.place(self.shop, email=self.email(), lines=chosen, sms_consent=False)

    def ship(self, order: Order, number: str, lines: dict[int, int] | None = None, eta_days: int = 3) -> int:
        shipment = fulfilment.create_shipment(
            self.shop, order.id, carrier_code="ups", service="Ground", tracking_number=number, lines=lines,
            eta=utcnow() + timedelta(days=eta_days), actor=factories.STAFF,
        )  # fmt: skip
        fulfilment.ship_shipment(self.shop, shipment.id, actor=factories.STAFF)
        return shipment.id


def hoodies(shop: Shop) -> None:
    """The issue's own example: a hoodie in M and L, both black."""
    with shop.db.write() as session:
        hoodie = Product(handle="pullover-hoodie", name="Pullover Hoodie")
        session.add(hoodie)
        session.flush()
        for sku, size in ((HOODIE_M, "M"), (HOODIE_L, "L")):
            session.add(Variant(product_id=hoodie.id, sku=sku, title=f"{size} / Black", price_minor=5400, on_hand=80))


@dataclass
class Watch:
    """What went wrong in the browser while a test ran: console errors, page errors, failed requests."""

    errors: list[str] = field(default_factory=list)
    expected: set[int] = field(default_factory=set)  # statuses the journey itself expects (a 404 page)

    def console(self, message: Any) -> None:
        """Console errors, but the browser's own note of a response the journey expected (its 404 page)."""
        said = str(message.text)
        expected = any(f"status of {status} " in said for status in self.expected)
        if message.type == "error" and not (said.startswith("Failed to load resource") and expected):
            self.errors.append(f"console: {said}")

    def response(self, response: Any) -> None:
        if response.status >= 400 and response.status not in self.expected:
            self.errors.append(f"HTTP {response.status} {response.url}")


def snap(page: Any, shots: Path, name: str, js: bool) -> None:
    """The page at desktop size and on a 390×844 phone, kept as artifacts."""
    suffix = "js" if js else "nojs"
    page.screenshot(path=str(shots / f"{name}-{suffix}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / f"{name}-{suffix}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def main_text(page: Any) -> str:
    return str(page.inner_text("main"))


def layout_intact(page: Any) -> None:
    """One <main id="main"> in the page's column (the issue's "layout falls to full width" had none)."""
    assert page.locator("main#main.wrap").count() == 1
    box = page.locator("main#main").bounding_box()
    assert box is not None
    assert box["width"] <= 900, box
