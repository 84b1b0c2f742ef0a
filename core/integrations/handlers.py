"""What each stored webhook delivery does: parse, map, then call the services.

Called by ``core.services.ingest.process_delivery``. A handler returns ``processed`` or
``ignored`` (nothing to change, or an update older than one already applied) and raises
a ``DomainError`` for a delivery it cannot apply; the delivery then shows as failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import select

from core.domain.commands import PlaceOrder, StorePayment
from core.domain.scans import CarrierScan
from core.errors import NotFound, ValidationFailed
from core.events.fact import Actor
from core.integrations import carrier_feeds, shopify, store_sync, stripe_events, woocommerce
from core.integrations.common import carrier_code, load_json, text
from core.lifecycle import OrderStatus
from core.models import Order, Shipment, WebhookDelivery
from core.services import ingest, ordering, refunds, scan_batch, store_refunds
from core.services.capture import record_external_payment, record_store_transaction
from core.services.fulfilment import ship_order
from core.shop import Shop

log = logging.getLogger("shiplog.webhooks")
WAITING_FOR_PAYMENT = frozenset({OrderStatus.PLACED, OrderStatus.RELEASED, OrderStatus.ON_HOLD})


def _order(shop: Shop, channel: str, ref: str) -> Order | None:
    with shop.db.read() as session:
        return ordering.find_by_source(session, channel, ref)


def _with_free_number(shop: Shop, cmd: PlaceOrder) -> PlaceOrder:
    """Keep the store's order number unless another order already has it."""
    if cmd.number is None:
        return cmd
    with shop.db.read() as session:
        taken = session.scalar(select(Order.id).where(Order.number == cmd.number)) is not None
    if not taken:
        return cmd
    return replace(cmd, number=None)


def _unpaid(order: Order) -> bool:
    return order.status in WAITING_FOR_PAYMENT and not any(
        p.status in {"authorized", "captured"} for p in order.payments
    )


def _mark_paid(shop: Shop, order: Order, paid_in: StorePayment, actor: Actor) -> str:
    """The store took the money: record it; a payment-pending hold is then released."""
    paid = record_external_payment(
        shop,
        order.id,
        amount_minor=order.total_minor,
        reference=paid_in.reference,
        gateway=paid_in.store,
        actor=actor,
        transactions=paid_in.transactions,
    )
    if paid.status == OrderStatus.ON_HOLD and paid.hold_reason == "payment_pending":
        ordering.release_order(shop, order.id, actor=actor)
    return "processed"


Reported = list[tuple[str, int, str]]  # a store's refunds: (its id, amount, note or reason)


def _store_refunds(shop: Shop, order: Order, reported: Reported, *, cancellation: bool, actor: Actor) -> str:
    """Refunds the store reports, each recorded once (matched to those Shiplog asked for)."""
    outcome = "ignored"
    for ref, amount, note in reported:
        if amount > 0 and store_refunds.record_from_store(
            shop, order.id, store_ref=ref, amount_minor=amount, note=note, cancellation=cancellation, actor=actor
        ) == "processed":  # fmt: skip
            outcome = "processed"
    return outcome


def _cancel(shop: Shop, order: Order, body: dict[str, Any], channel: str, actor: Actor) -> str:
    """The store cancelled the order: cancelled here too, its money as the store reports it, never sent back."""
    if order.status == OrderStatus.CANCELLED:
        return "ignored"
    reason = text(body.get("cancel_reason")) or f"cancelled in {channel}"
    refunds.cancel_order(shop, order.id, reason=reason, actor=actor, by_store=True)
    return "processed"


def store_order(
    shop: Shop,
    channel: str,
    body: dict[str, Any],
    command: Callable[[dict[str, Any]], PlaceOrder],
    *,
    paid: bool,
    cancelled: bool,
    payment: Callable[[dict[str, Any]], StorePayment],
    reported: Callable[[str], Reported],
) -> str:
    """Create, cancel, mark paid or record the store's refunds, whichever the store's view of the order calls for."""
    actor = Actor("integration", channel)
    ref = text(body.get("id"), 64)
    if not ref:
        raise ValidationFailed("The order has no id.", field="id")
    order = _order(shop, channel, ref)
    if order is None:
        if cancelled:
            return "ignored"
        ordering.place_order(shop, _with_free_number(shop, command(body)), actor=actor)
        return "processed"
    outcomes = [_cancel(shop, order, body, channel, actor)] if cancelled else []
    if paid and _unpaid(order):
        outcomes.append(_mark_paid(shop, order, payment(body), actor))
    outcomes.append(_store_refunds(shop, order, reported(order.currency), cancellation=cancelled, actor=actor))
    return "processed" if "processed" in outcomes else "ignored"


def _lines_for(shop: Shop, order: Order, items: dict[str, int]) -> dict[int, int] | None:
    if not items:
        return None
    by_sku = {line.sku: line.id for line in order.lines}
    unknown = sorted(set(items) - set(by_sku))
    if unknown:
        raise ValidationFailed(f"SKUs not on order {order.number}: {', '.join(unknown)}.", field="line_items")
    return {by_sku[sku]: qty for sku, qty in items.items()}


def _record(shop: Shop, scans: list[CarrierScan], actor: Actor) -> str:
    if not scans:
        return "ignored"
    outcomes = scan_batch.record_scans(shop, scans, actor=actor)
    if any(o.outcome == "recorded" for o in outcomes):
        return "processed"
    refused = next((o for o in outcomes if o.outcome == "rejected"), None)
    if refused is not None:
        raise ValidationFailed(refused.message or "The update could not be applied.", field=refused.field)
    return "ignored"


def shopify_fulfillment(shop: Shop, body: dict[str, Any]) -> str:
    """A parcel left (create) or moved (update): ship the lines, then apply the shipment status."""
    actor = Actor("integration", "shopify")
    order = _order(shop, "shopify", text(body.get("order_id"), 64))
    if order is None:
        raise NotFound(f"Shopify order {text(body.get('order_id'))} is not known here yet.")
    number = (shopify.tracking_number(body) or f"SHOPIFY-{text(body.get('id'), 40)}").upper()
    with shop.db.read() as session:
        exists = session.scalar(select(Shipment.id).where(Shipment.tracking_number == number)) is not None
    outcome = "ignored"
    if not exists and text(body.get("status")) in {"success", "pending", "open", ""}:
        lines = _lines_for(shop, order, shopify.fulfillment_items(body))
        carrier = carrier_code(body.get("tracking_company"))
        ship_order(
            shop, order.id, carrier_code=carrier, service="Standard", tracking_number=number, lines=lines, actor=actor
        )
        outcome = "processed"
    scan = shopify.fulfillment_scan(body)
    if scan is not None and _record(shop, [scan], actor) == "processed":
        outcome = "processed"
    return outcome


def handle_shopify(shop: Shop, delivery: WebhookDelivery) -> str:
    body = load_json(delivery.body)
    if delivery.topic in shopify.ORDER_TOPICS:
        if ingest.newer_applied(shop, delivery):
            return "ignored"
        cancelled = delivery.topic == "orders/cancelled" or bool(body.get("cancelled_at"))
        return store_order(
            shop, "shopify", body, shopify.order_command, paid=shopify.is_paid(body), cancelled=cancelled,
            payment=shopify.store_payment, reported=lambda currency: [shopify.refund_reported(r, currency) for r in _refunds_of(body)],
        )  # fmt: skip
    if delivery.topic in shopify.FULFILLMENT_TOPICS:
        return shopify_fulfillment(shop, body)
    if delivery.topic in shopify.REFUND_TOPICS:
        return shopify_refund(shop, body)
    if delivery.topic in shopify.TRANSACTION_TOPICS:
        return shopify_transaction(shop, body)
    return "ignored"


def _refunds_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in body.get("refunds") or [] if isinstance(r, dict)]


def shopify_refund(shop: Shop, body: dict[str, Any]) -> str:
    """A refund made in Shopify (``refunds/create``), or Shopify's confirmation of one Shiplog asked for."""
    actor = Actor("integration", "shopify")
    order = _order(shop, "shopify", text(body.get("order_id"), 64))
    if order is None:
        raise NotFound(f"Shopify order {text(body.get('order_id'))} is not known here yet.")
    reported = [shopify.refund_reported(body, order.currency)]
    return _store_refunds(shop, order, reported, cancellation=order.status == OrderStatus.CANCELLED, actor=actor)


def shopify_transaction(shop: Shop, body: dict[str, Any]) -> str:
    """A transaction made in Shopify (``order_transactions/create``): recorded on the order's payment, once; one
    that took the money of an order waiting for it also marks it paid, as a paid ``orders/updated`` does."""
    actor = Actor("integration", "shopify")
    order = _order(shop, "shopify", text(body.get("order_id"), 64))
    if order is None:
        raise NotFound(f"Shopify order {text(body.get('order_id'))} is not known here yet.")
    found = shopify.transaction_reported(body, order.currency)
    if found is None:
        log.info("Shopify transaction %s (kind %r) on order %s ignored: not a kind Shiplog records",
                 text(body.get("id"), 64), text(body.get("kind"), 40), order.number)  # fmt: skip
        return "ignored"
    if found.took_money and _unpaid(order):
        _mark_paid(shop, order, shopify.store_payment({"id": order.source_ref}), actor)
    record_store_transaction(shop, order.id, found, actor=actor)
    return "processed"


def handle_woocommerce(shop: Shop, delivery: WebhookDelivery) -> str:
    if delivery.topic not in woocommerce.TOPICS:
        return "ignored"
    if ingest.newer_applied(shop, delivery):
        return "ignored"
    body = load_json(delivery.body)
    paid, cancelled = woocommerce.is_paid(body), woocommerce.is_cancelled(body)
    return store_order(
        shop, "woocommerce", body, woocommerce.order_command, paid=paid, cancelled=cancelled,
        payment=woocommerce.store_payment, reported=lambda currency: woocommerce.refunds_reported(body, currency),
    )  # fmt: skip


def handle_easypost(shop: Shop, delivery: WebhookDelivery) -> str:
    body = load_json(delivery.body)
    if text(body.get("description")) != "tracker.updated":
        return "ignored"
    return _record(shop, carrier_feeds.easypost_scans(body), Actor("carrier", "easypost"))


def handle_aftership(shop: Shop, delivery: WebhookDelivery) -> str:
    body = load_json(delivery.body)
    if text(body.get("event")) != "tracking_update":
        return "ignored"
    return _record(shop, carrier_feeds.aftership_scans(body), Actor("carrier", "aftership"))


HANDLERS: dict[str, Callable[[Shop, WebhookDelivery], str]] = {
    "shopify": handle_shopify,
    "woocommerce": handle_woocommerce,
    "easypost": handle_easypost,
    "aftership": handle_aftership,
    "stripe": stripe_events.handle,
}


def handle(shop: Shop, delivery: WebhookDelivery) -> str:
    """The ``ingest.Handler`` for every source."""
    if store_sync.is_catalog(delivery.source, delivery.topic):
        return store_sync.handle_webhook(shop, delivery)
    return HANDLERS[delivery.source](shop, delivery)


def process(shop: Shop, delivery_id: int, *, retry_failed: bool = False) -> str:
    return ingest.process_delivery(shop, delivery_id, handle, retry_failed=retry_failed)
