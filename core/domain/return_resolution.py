"""The second half of a return: shipping back, receipt with condition, refund or exchange, closing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.domain import payments
from core.domain.shipping import Parcel, new_parcel, tracking_number
from core.domain.unit import Unit
from core.errors import ValidationFailed
from core.events import orders as order_facts
from core.events import returns as facts
from core.events import shipments as parcel_facts
from core.events.fact import Act
from core.lifecycle import Move, ReturnStatus, check_transition, record
from core.models import Order, OrderLine, Return, ReturnLine, Shipment, ShipmentLine
from core.policies import CONDITIONS, ReturnPolicy


def ship_back(unit: Unit, act: Act, ret: Return, *, tracking: str | None) -> None:
    """The return parcel was scanned by the carrier: it can no longer be cancelled."""
    ret.return_tracking_number = tracking_number(tracking) if (tracking or "").strip() else None
    record(unit, act, facts.return_in_transit(ret=ret), Move("return", ret, ReturnStatus.IN_TRANSIT))


def _check_conditions(ret: Return, conditions: dict[int, str]) -> None:
    unknown_lines = set(conditions) - {item.id for item in ret.lines}
    if unknown_lines:
        raise ValidationFailed(f"Return {ret.rma} has no line {min(unknown_lines)}.", field="conditions")
    for condition in conditions.values():
        if condition not in CONDITIONS:
            choices = ", ".join(CONDITIONS)
            raise ValidationFailed(f"Unknown condition {condition!r}; choose {choices}.", field="conditions")


def _restock(unit: Unit, act: Act, order: Order, ret: Return, item: ReturnLine, policy: ReturnPolicy) -> str | None:
    """Count the item as returned; put it back on the shelf if its condition allows (its SKU then)."""
    line = next(ln for ln in order.lines if ln.id == item.order_line_id)
    line.qty_returned += item.quantity
    if item.condition not in policy.resellable_conditions or line.variant_id is None:
        return None  # written off, or a SKU the catalogue no longer has: no shelf to put it back on
    unit.stock.restock(line.variant_id, item.quantity)
    item.restocked_qty = item.quantity
    restocked = order_facts.stock_restocked(
        order_id=order.id,
        return_id=ret.id,
        variant_id=line.variant_id,
        sku=line.sku,
        quantity=item.quantity,
        rma=ret.rma,
    )
    record(unit, act, restocked)
    return line.sku


def receive(unit: Unit, act: Act, order: Order, ret: Return, conditions: dict[int, str], policy: ReturnPolicy) -> None:
    """The parcel arrived: each line's condition (default resellable); resellable items go back to stock."""
    check_transition("return", ret.status, ReturnStatus.RECEIVED)
    _check_conditions(ret, conditions)
    ret.received_at = act.at
    variants = {line.id: line.variant_id for line in order.lines}
    restocked = []
    for item in sorted(ret.lines, key=lambda i: variants[i.order_line_id] or 0):  # id order: no deadlocks
        item.condition = conditions.get(item.id, "resellable")
        sku = _restock(unit, act, order, ret, item, policy)
        if sku is not None:
            restocked.append(sku)
    received = facts.return_received(ret=ret, restocked=restocked)
    record(unit, act, received, Move("return", ret, ReturnStatus.RECEIVED))


def refund_amount(order: Order, lines: list[ReturnLine], policy: ReturnPolicy) -> tuple[int, int]:
    """(refund, restocking fee) of the refund lines: what was paid per unit, less the policy's fee."""
    paid = {line.id: line.paid_unit_minor for line in order.lines}
    gross = sum(paid[i.order_line_id] * i.quantity for i in lines if i.resolution == "refund")
    fee = policy.restocking_fee(gross)
    return gross - fee, fee


@dataclass(frozen=True)
class Replacement:
    """The variant an exchange sends, as its order line names it."""

    sku: str
    name: str  # the product's
    title: str  # the variant's, e.g. "L / Black"


def _replacement_lines(
    unit: Unit, order: Order, exchanges: list[ReturnLine], variant_of: Callable[[int], Replacement]
) -> list[OrderLine]:
    """Each exchanged item becomes an order line of its own, priced at what the replaced unit cost
    (nothing more to pay; a later return of it refunds that), so its parcel says what it holds."""
    replaced = {line.id: line for line in order.lines}
    rows = []
    for item in exchanges:
        old, new = replaced[item.order_line_id], variant_of(item.exchange_variant_id)  # type: ignore[arg-type]
        rows.append({
            "order_id": order.id, "variant_id": item.exchange_variant_id, "sku": new.sku, "name": new.name,
            "variant_title": new.title, "unit_price_minor": old.paid_unit_minor, "quantity": item.quantity,
            "discount_minor": 0, "final_sale": old.final_sale, "qty_shipped": 0, "qty_delivered": 0,
            "qty_returning": 0, "qty_returned": 0, "replaces_line_id": old.id,
        })  # fmt: skip
    return unit.create_all(OrderLine, rows)


def _exchange_parcel(
    unit: Unit, act: Act, order: Order, ret: Return, parcel: Parcel, lines: list[OrderLine]
) -> Shipment:
    """The replacement parcel with the replacement lines, recorded without a message: ``return.exchanged``
    tells the customer."""
    shipment = new_parcel(unit, act, order, parcel, kind="exchange", return_id=ret.id)
    items = [
        {"shipment_id": shipment.id, "order_line_id": line.id, "variant_id": line.variant_id, "quantity": line.quantity}
        for line in lines
    ]  # fmt: skip
    unit.create_all(ShipmentLine, items)
    record(unit, act.quietly(), parcel_facts.shipment_created(shipment=shipment), Move.new("shipment", shipment))
    return shipment


def resolve(
    unit: Unit, act: Act, order: Order, ret: Return, *, policy: ReturnPolicy, exchange: Parcel | None,
    variant_of: Callable[[int], Replacement],
) -> Shipment | None:  # fmt: skip
    """Refund the refund lines (less the restocking fee) and pack the exchange lines: each becomes a
    replacement order line, in its parcel."""
    exchanges = [i for i in ret.lines if i.resolution == "exchange"]
    if exchanges and exchange is None:
        raise ValidationFailed("An exchange needs a tracking number for the replacement.", field="tracking_number")
    target = ReturnStatus.EXCHANGED if exchanges else ReturnStatus.REFUNDED
    check_transition("return", ret.status, target)
    due, fee = refund_amount(order, ret.lines, policy)
    # Goodwill refunds may already have paid part of it back: never refund above what remains.
    amount = min(due, max((p.refundable_minor for p in order.payments), default=0))
    ret.restocking_fee_minor, ret.resolved_at = fee, act.at
    if amount > 0:
        payment = payments.paying_for(order, amount)
        payments.refund(unit, act.quietly(), payment, amount, reason=f"return {ret.rma}", return_id=ret.id)
    money = {"amount": amount, "fee": fee, "due": due, "currency": order.currency}
    shipment = None
    if exchange is not None and exchanges:
        lines = _replacement_lines(unit, order, exchanges, variant_of)
        shipment = _exchange_parcel(unit, act, order, ret, exchange, lines)
        items = [[line.sku, line.quantity, line.id, line.replaces_line_id] for line in lines]
        fact = facts.return_exchanged(ret=ret, shipment_id=shipment.id, items=items, **money)  # type: ignore[arg-type]
    else:
        fact = facts.return_refunded(ret=ret, **money)  # type: ignore[arg-type]
    record(unit, act, fact, Move("return", ret, target))
    return shipment


def close(unit: Unit, act: Act, ret: Return) -> None:
    record(unit, act, facts.return_closed(ret=ret), Move("return", ret, ReturnStatus.CLOSED))
