"""Typed constructors of the catalogue's and the stock's events (staff only: no order, no customer).

One keyword-only function per event type, as in ``core.events.orders``. A stock event names its
variant and carries the level before and after, so the log alone tells how a count came to be.
"""

from __future__ import annotations

from typing import Any

from core.events.fact import Fact

DIGEST_KEY = "stock.digest:{day}"  # the digest's idempotency key: one a day


def product_created(*, handle: str, title: str, skus: list[str]) -> Fact:
    return Fact("product.created", {"handle": handle, "title": title, "skus": skus})


def product_updated(*, handle: str, title: str, changed: list[str]) -> Fact:
    """``changed`` names each field that changed: ``title``, or ``SKU.price_minor`` for a variant's."""
    return Fact("product.updated", {"handle": handle, "title": title, "changed": changed})


def _level(code: str, variant_id: int, sku: str, before: int, after: int, reason: str, reference: str | None) -> Fact:
    body = {"sku": sku, "before": before, "after": after, "delta": after - before, "reason": reason}
    return Fact(code, body | {"reference": reference}, variant_id=variant_id)


def stock_received(*, variant_id: int, sku: str, before: int, after: int, reference: str | None) -> Fact:
    """Goods arrived (a delivery, a purchase order): on hand went up by what came in."""
    return _level("stock.received", variant_id, sku, before, after, "received", reference)


def stock_adjusted(*, variant_id: int, sku: str, before: int, after: int, reason: str, reference: str | None) -> Fact:
    """On hand changed by staff's count or a correction (damaged, lost, found), with their reason."""
    return _level("stock.adjusted", variant_id, sku, before, after, reason, reference)


def stock_set(*, variant_id: int, sku: str, before: int, after: int, reason: str, reference: str | None) -> Fact:
    """On hand set to a level given outright (a catalogue import, a stocktake), whatever it was."""
    return _level("stock.set", variant_id, sku, before, after, reason, reference)


def stock_digest_sent(*, day: str, lines: list[dict[str, Any]], recipients: int) -> Fact:
    """The day's low-stock digest went out to ``recipients`` members of staff (its emails are in the
    outbox, written with it); ``lines`` are the SKUs it lists with their levels then, which every attempt
    at sending it reads. Its key makes it once a day."""
    body = {"day": day, "skus": [line["sku"] for line in lines], "count": len(lines), "recipients": recipients}
    return Fact("stock.digest_sent", body | {"lines": lines}, key=DIGEST_KEY.format(day=day))
