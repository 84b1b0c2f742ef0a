"""The order's own life: opened and placed, held and released, confirmed, processed, cancelled, closed.

Each function is the rule for one step, over the aggregates it is handed; a ``Unit`` makes
new rows, records facts and moves stock and money. Services call these inside a database
transaction, the demo seed in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from core import characters, locales
from core.domain import payments
from core.domain.commands import PlaceOrder, StorePayment, unit_price
from core.domain.stock import stocked
from core.domain.unit import Unit
from core.errors import IllegalTransition, OutOfStock, ValidationFailed
from core.events import orders as facts
from core.events import shipments as parcel_facts
from core.events.fact import Act
from core.lifecycle import (
    RETURN_OPEN_STATUSES,
    Move,
    OrderStatus,
    PaymentStatus,
    ShipmentStatus,
    check_transition,
    initial,
    record,
)
from core.models import Order, OrderAddress, OrderLine, Payment, Return, Shipment
from core.payments import Authorization
from core.policies import HoldPolicy, hold_reasons
from core.risk import Assessment

Hold = tuple[str, str]  # (reason code, detail)


class Sellable(Protocol):
    """What an order line copies from the catalogue (a ``Variant``)."""

    id: int | None  # None: a SKU the catalogue no longer has (imported history)
    sku: str
    title: str
    price_minor: int
    final_sale: bool
    product_name: str


def holds_for(cmd: PlaceOrder, policy: HoldPolicy, fraud_score: int) -> list[Hold]:
    """Every reason the order must wait for staff: the shop's policy (``fraud_score`` is ``core.risk``'s),
    then what the source says."""
    holds = hold_reasons(
        carrier=cmd.carrier,
        address_lines=cmd.shipping_address.lines(),
        fraud_score=fraud_score,
        note=cmd.note,
        policy=policy,
    )
    if cmd.payment_pending:
        holds.append(("payment_pending", "the store has not confirmed payment"))
    return holds + list(cmd.extra_holds)


def _line(cmd_line: Any, order_id: int, variant: Sellable, store_priced: bool) -> dict[str, object]:
    return {
        "order_id": order_id,
        "variant_id": variant.id,
        "sku": variant.sku,
        "name": variant.product_name,
        "variant_title": variant.title,
        "unit_price_minor": unit_price(cmd_line, variant, store_priced),  # type: ignore[arg-type]
        "quantity": cmd_line.quantity,
        "discount_minor": cmd_line.discount_minor,
        "tax_minor": cmd_line.tax_minor,
        "final_sale": variant.final_sale,
        "qty_shipped": 0,
        "qty_delivered": 0,
        "qty_returning": 0,
        "qty_returned": 0,
        "qty_backordered": 0,
    }


def _address(order_id: int, kind: str, cmd: PlaceOrder) -> dict[str, object]:
    given = cmd.shipping_address if kind == "shipping" else cmd.billing_address or cmd.shipping_address
    return {
        "order_id": order_id,
        "kind": kind,
        "name": given.name,
        "line1": given.line1,
        "line2": given.line2,
        "city": given.city,
        "region": given.region,
        "postal_code": given.postal_code,
        "country": given.country.upper(),
    }


def open_order(
    unit: Unit, act: Act, cmd: PlaceOrder, *, number: str, customer_id: int, email: str,
    variants: Mapping[str, Sellable], amounts: tuple[int, int, int], fraud_score: int,
) -> Order:  # fmt: skip
    """The order's rows as the command describes them (nothing recorded yet: see ``place``);
    ``fraud_score`` is ``core.risk``'s."""
    subtotal, discounts, total = amounts
    order = unit.create(
        Order, number=number, customer_id=customer_id, email=email, phone=cmd.phone,
        sms_consent=cmd.sms_consent and cmd.phone is not None, channel=cmd.channel, source_ref=cmd.source_ref,
        status=initial("order"), hold_reason=None, hold_detail=None, fraud_score=fraud_score, note=cmd.note,
        currency=cmd.currency, locale=locales.canonical(cmd.locale) if cmd.locale else None, subtotal_minor=subtotal, discount_minor=discounts, shipping_minor=cmd.shipping_minor,
        tax_minor=cmd.tax_minor, total_minor=total, placed_at=cmd.placed_at or act.at, shipped_at=None,
        delivered_at=None, cancelled_at=None, version=0, last_event_at=None, client_ip=cmd.client_ip,
        card_fingerprint=cmd.card_fingerprint, store_name=cmd.store_name, taxes_included=cmd.taxes_included,
        tax_lines=cmd.tax_lines,
    )  # fmt: skip
    made = [_line(line, order.id, variants[line.sku], cmd.store_priced) for line in cmd.lines]
    unit.create_all(OrderLine, made)
    unit.create_all(OrderAddress, [_address(order.id, kind, cmd) for kind in ("shipping", "billing")])
    return order


def order_key(channel: str, source_ref: str | None) -> str | None:
    """A store's order is recorded once: its ``order.placed`` carries this key."""
    return f"order.placed:{channel}:{source_ref}" if source_ref else None


def place(
    unit: Unit, act: Act, order: Order, *, carrier: str, holds: list[Hold], auth: Authorization | None,
    backorderable: frozenset[int] = frozenset(), risk: Assessment | None = None, paid: StorePayment | None = None,
) -> None:  # fmt: skip
    """Record the order with its fraud ``risk`` (when anything added to it), reserve its stock and
    authorisation (or the store's payment, ``paid``), then hold it or capture payment. A line out of stock whose variant is in
    ``backorderable`` is taken unreserved, and the order waits for its stock (``awaiting_stock``, last:
    another reason's hold stays staff's to clear)."""
    lines = [[line.sku, line.quantity] for line in order.lines]
    key = order_key(order.channel, order.source_ref)
    placed = facts.order_placed(order=order, carrier=carrier, lines=lines, key=key)
    record(unit, act.happened(order.placed_at), placed, Move.new("order", order))
    if risk is not None and risk.reasons:
        scored = facts.order_risk_scored(order_id=order.id, score=risk.score, reasons=risk.payload())
        record(unit, act.happened(order.placed_at), scored)
    short = _reserve(unit, order, backorderable)
    if short:
        record(unit, act, facts.order_backordered(order_id=order.id, lines=short))
        holds = [*holds, ("awaiting_stock", "waiting for " + ", ".join(f"{q} × {sku}" for sku, q in short))]
    payment = None
    if auth is not None:
        payment = payments.authorize(
            unit, act, order, gateway=auth.gateway, reference=auth.reference, card_last4=auth.card_last4,
            amount_minor=order.total_minor,
        )  # fmt: skip
    elif paid is not None:
        payment = payments.paid_in_store(unit, act, order, paid)
    if holds:
        hold(unit, act, order, holds)
    elif payment is not None:
        capture(unit, act, order, payment)


def _reserve(unit: Unit, order: Order, backorderable: frozenset[int]) -> list[list[object]]:
    """Reserve every line (in variant id order, so two orders cannot deadlock on PostgreSQL); the
    [sku, quantity] taken on backorder instead, where stock is short and the product allows it."""
    short: list[list[object]] = []
    for variant_id, line in stocked(order.lines):
        try:
            unit.stock.reserve(variant_id, line.quantity)
        except OutOfStock:
            if variant_id not in backorderable:
                raise
            line.qty_backordered = line.quantity
            short.append([line.sku, line.quantity])
    return short


def fill_backorder(unit: Unit, act: Act, order: Order) -> None:
    """Stock arrived: reserve what the order still waits for, line by line as stock allows; once
    nothing is missing, an order held only for its stock is released (its payment captured)."""
    filled: list[list[object]] = []
    for variant_id, line in stocked(order.lines):
        if line.qty_backordered:
            try:
                unit.stock.reserve(variant_id, line.qty_backordered)
            except OutOfStock:
                continue
            filled.append([line.sku, line.qty_backordered])
            line.qty_backordered = 0
    if filled:
        record(unit, act, facts.order_backorder_filled(order_id=order.id, lines=filled))
    if order.hold_reason == "awaiting_stock" and not waiting_for_stock(order):
        release(unit, act, order)


def waiting_for_stock(order: Order) -> list[str]:
    """The SKUs the order still waits for, with how many: it cannot be released or shipped before."""
    return [f"{line.qty_backordered} × {line.sku}" for line in order.lines if line.qty_backordered]


def capture(unit: Unit, act: Act, order: Order, payment: Payment | None = None) -> None:
    """Confirm the order, capturing the authorisation in full now, unless the shop's policy takes
    it when the first parcel leaves (``core.domain.shipping.hand_over``); a store's payment was
    taken by the store: captured now whatever the policy."""
    taken = payment or payments.authorised(order)
    if not (unit.payment_policy.at_shipping and (taken is None or payments.held_here(taken))):
        if payment is None:
            payments.capture_authorised(unit, act, order)
        else:
            payments.capture(unit, act, payment)
    record(unit, act, facts.order_confirmed(order=order), Move("order", order, OrderStatus.CONFIRMED))


def hold(unit: Unit, act: Act, order: Order, holds: list[Hold]) -> None:
    for _, detail in holds:  # several lines: a hold for a note quotes it
        characters.check(detail, "detail", multiline=True)
    order.hold_reason = holds[0][0]
    order.hold_detail = "; ".join(detail for _, detail in holds)[:300]
    held = facts.order_held(order=order, reasons=[code for code, _ in holds])
    record(unit, act, held, Move("order", order, OrderStatus.ON_HOLD))


def release(unit: Unit, act: Act, order: Order, *, confirmed_before: bool = False) -> None:
    """Clear a hold; an authorised payment is captured straight away, and an order that was
    already paid when staff held it goes straight back to confirmed. ``confirmed_before``: the
    order was confirmed once already (a shop that captures at shipping confirms on the authorisation)."""
    missing = waiting_for_stock(order)
    if missing:
        raise IllegalTransition(f"This order waits for stock ({', '.join(missing)}); it is released when it arrives.")
    previous = order.hold_reason
    order.hold_reason = order.hold_detail = None
    released = facts.order_released(order_id=order.id, reason=previous)
    record(unit, act, released, Move("order", order, OrderStatus.RELEASED))
    resumed = confirmed_before and unit.payment_policy.at_shipping
    if payments.authorised(order) is not None and not resumed:
        capture(unit, act, order)
    elif resumed or any(p.status == PaymentStatus.CAPTURED for p in order.payments):
        # The customer had their confirmation when the payment was captured: not twice.
        again = facts.order_confirmed(order=order, resumed=True)
        record(unit, act.quietly(), again, Move("order", order, OrderStatus.CONFIRMED))


def start_processing(unit: Unit, act: Act, order: Order) -> None:
    record(unit, act, facts.order_processing(order_id=order.id), Move("order", order, OrderStatus.PROCESSING))


def add_note(unit: Unit, act: Act, order: Order, *, text: str, for_customer: bool) -> None:
    """A staff note: internal, or shown on the customer's timeline."""
    text = characters.check(text.strip(), "text", multiline=True)
    if not text:
        raise ValidationFailed("A note cannot be empty.", field="text")
    if len(text) > 2000:
        raise ValidationFailed("A note can be at most 2,000 characters.", field="text")
    made = facts.note_customer_added if for_customer else facts.note_internal_added
    record(unit, act, made(order_id=order.id, text=text))


def closable(order: Order, returns: Iterable[Return]) -> bool:
    return order.status == OrderStatus.DELIVERED and not any(r.status in RETURN_OPEN_STATUSES for r in returns)


def close(unit: Unit, act: Act, order: Order, returns: Iterable[Return]) -> None:
    """Close a delivered order once nothing about it is open any more."""
    if any(r.status in RETURN_OPEN_STATUSES for r in returns):
        raise IllegalTransition("This order has an open return; close it first.")
    record(unit, act, facts.order_closed(order_id=order.id), Move("order", order, OrderStatus.CLOSED))


def cancel(
    unit: Unit, act: Act, order: Order, shipments: Iterable[Shipment], *, reason: str, message: str | None = None,
    by_store: bool = False,
) -> None:  # fmt: skip
    """Cancel before anything ships: release stock, cancel labels, void or refund in full.
    ``reason`` is for staff only; ``message``, if any, is what the customer is told. A store's order
    cancelled here is cancelled in the store too (its refunds with it); one the store cancelled
    (``by_store``) moves no money here: the store reports its own refunds."""
    reason, message = payments.internal_reason(reason), payments.customer_message(message)  # the input first
    check_transition("order", order.status, OrderStatus.CANCELLED)  # then the state, before any stock or money moves
    order.cancelled_at = act.at
    for variant_id, line in stocked(order.lines):  # id order: no deadlocks
        reserved = line.quantity - line.qty_shipped - line.qty_backordered  # backordered units were never reserved
        if reserved > 0:
            unit.stock.release(variant_id, reserved)
    for shipment in shipments:
        if shipment.status == ShipmentStatus.LABEL_CREATED:
            cancelled = parcel_facts.shipment_cancelled(shipment=shipment)
            record(unit, act, cancelled, Move("shipment", shipment, ShipmentStatus.CANCELLED))
    refunds = payments.settle(unit, act, order, reason=reason, give_back=not by_store)
    done = facts.order_cancelled(
        order=order, reason=reason, message=message, refunded_minor=sum(r.amount_minor for r in refunds),
        store=None if by_store else payments.store_of(order), refund_ids=[r.id for r in refunds],
    )  # fmt: skip
    record(unit, act, done, Move("order", order, OrderStatus.CANCELLED))
