"""The second half of a return: shipping back, receipt with condition, refund or exchange."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import ValidationFailed
from core.events.log import Actor, append_event
from core.lifecycle import ReturnStatus, ShipmentStatus, set_status
from core.models import Order, OrderLine, Return, Shipment, ShipmentLine, Variant
from core.money import money_text
from core.policies import CONDITIONS
from core.services import stock
from core.services.common import load_return_and_order
from core.services.fulfilment import check_tracking, shipment_payload
from core.services.refunds import refund_in_session
from core.shop import Shop


def mark_return_in_transit(
    shop: Shop,
    return_id: int,
    *,
    tracking_number: str | None = None,
    actor: Actor,
    occurred_at: datetime | None = None,
    notify: bool = True,
) -> Return:
    """The return parcel was scanned by the carrier: it can no longer be cancelled."""
    number = (tracking_number or "").strip().upper() or None
    if number is not None and not 6 <= len(number) <= 64:
        raise ValidationFailed("A tracking number has 6 to 64 letters and digits.", field="tracking_number")
    with shop.db.write() as session:
        ret, order = load_return_and_order(session, return_id)
        change = set_status("return", ret, ReturnStatus.IN_TRANSIT)
        ret.return_tracking_number = number
        append_event(
            session,
            "return.in_transit",
            order=order,
            actor=actor,
            notify=notify,
            return_id=ret.id,
            occurred_at=occurred_at,
            transitions={"return": change},
            payload={"rma": ret.rma, "tracking_number": number},
        )
        return ret


def _check_conditions(ret: Return, conditions: dict[int, str]) -> None:
    unknown_lines = set(conditions) - {item.id for item in ret.lines}
    if unknown_lines:
        raise ValidationFailed(f"Return {ret.rma} has no line {min(unknown_lines)}.", field="conditions")
    for condition in conditions.values():
        if condition not in CONDITIONS:
            choices = ", ".join(CONDITIONS)
            raise ValidationFailed(f"Unknown condition {condition!r}; choose {choices}.", field="conditions")


def _restock(session: Session, order: Order, ret: Return, conditions: dict[int, str], actor: Actor) -> list[str]:
    restocked = []
    lines = {line.id: line for line in order.lines}
    for item in sorted(ret.lines, key=lambda i: lines[i.order_line_id].variant_id):  # id order: no deadlocks
        condition = conditions.get(item.id, "resellable")
        item.condition = condition
        session.execute(
            update(OrderLine)
            .where(OrderLine.id == item.order_line_id)
            .values(qty_returned=OrderLine.qty_returned + item.quantity)
        )
        if condition != "resellable":
            continue
        line = lines[item.order_line_id]
        stock.restock(session, line.variant_id, item.quantity)
        item.restocked_qty = item.quantity
        restocked.append(line.sku)
        append_event(
            session,
            "stock.restocked",
            order=order,
            actor=actor,
            variant_id=line.variant_id,
            return_id=ret.id,
            payload={"sku": line.sku, "quantity": item.quantity, "rma": ret.rma},
        )
    return restocked


def receive_return(
    shop: Shop, return_id: int, *, conditions: dict[int, str] | None = None, actor: Actor, notify: bool = True
) -> Return:
    """Record the parcel's arrival and each line's condition; resellable items go back on the shelf."""
    with shop.db.write() as session:
        ret, order = load_return_and_order(session, return_id)
        change = set_status("return", ret, ReturnStatus.RECEIVED)
        _check_conditions(ret, conditions or {})
        ret.received_at = utcnow()
        restocked = _restock(session, order, ret, conditions or {}, actor)
        append_event(
            session,
            "return.received",
            order=order,
            actor=actor,
            notify=notify,
            return_id=ret.id,
            transitions={"return": change},
            payload={"rma": ret.rma, "restocked": restocked},
        )
        return ret


def resolution_payload(rma: str, *, amount: int, fee: int, due: int, currency: str) -> dict[str, object]:
    """The payload of ``return.refunded`` / ``return.exchanged`` (the demo generator writes the same)."""
    payload: dict[str, object] = {
        "rma": rma,
        "refund_minor": amount,
        "restocking_fee_minor": fee,
        "amount_text": money_text(amount, currency),
    }
    if amount < due:
        payload["refund_due_minor"] = due  # goodwill refunds had already paid part of it back
    return payload


def refund_amount(order: Order, ret: Return, fee_bps: int) -> tuple[int, int]:
    """(refund, restocking fee) for the refund lines: what was paid per unit, less the fee."""
    lines = {line.id: line for line in order.lines}
    gross = sum(lines[i.order_line_id].paid_unit_minor * i.quantity for i in ret.lines if i.resolution == "refund")
    fee = gross * fee_bps // 10_000
    return gross - fee, fee


def _exchange_shipment(session: Session, ret: Return, carrier: str, service: str, tracking: str) -> Shipment:
    shipment = Shipment(
        order_id=ret.order_id,
        kind="exchange",
        return_id=ret.id,
        carrier=carrier.strip().lower()[:32],
        service=service[:48],
        tracking_number=check_tracking(session, tracking),
        status=ShipmentStatus.LABEL_CREATED,
        created_at=utcnow(),
    )
    session.add(shipment)
    session.flush()
    for item in ret.lines:
        if item.resolution == "exchange" and item.exchange_variant_id is not None:
            session.add(
                ShipmentLine(
                    shipment_id=shipment.id,
                    order_line_id=item.order_line_id,
                    variant_id=item.exchange_variant_id,
                    quantity=item.quantity,
                )
            )
    return shipment


def resolve_return(
    shop: Shop,
    return_id: int,
    *,
    actor: Actor,
    notify: bool = True,
    exchange_carrier: str = "usps",
    exchange_service: str = "Ground Advantage",
    exchange_tracking: str | None = None,
) -> Return:
    """Refund the refund lines (less the restocking fee) and pack the exchange lines."""
    with shop.db.write() as session:
        ret, order = load_return_and_order(session, return_id)
        exchanges = [i for i in ret.lines if i.resolution == "exchange"]
        if exchanges and not exchange_tracking:
            raise ValidationFailed("An exchange needs a tracking number for the replacement.", field="tracking_number")
        due, fee = refund_amount(order, ret, shop.return_policy.restocking_fee_bps)
        # Goodwill refunds may already have paid part of it back: never refund above what remains.
        amount = min(due, max((p.refundable_minor for p in order.payments), default=0))
        target = ReturnStatus.EXCHANGED if exchanges else ReturnStatus.REFUNDED
        change = set_status("return", ret, target)
        ret.restocking_fee_minor, ret.resolved_at = fee, utcnow()
        payload = resolution_payload(ret.rma, amount=amount, fee=fee, due=due, currency=order.currency)
        if amount > 0:
            refund_in_session(
                shop, session, order, amount, reason=f"return {ret.rma}", actor=actor, notify=False, return_id=ret.id
            )
        if exchanges:
            shipment = _exchange_shipment(session, ret, exchange_carrier, exchange_service, exchange_tracking or "")
            append_event(
                session,
                "shipment.created",
                order=order,
                actor=actor,
                notify=False,
                shipment_id=shipment.id,
                transitions={"shipment": ("", ShipmentStatus.LABEL_CREATED)},
                payload=shipment_payload(shipment),
            )
            payload |= {
                "shipment_id": shipment.id,
                "items": [[session.get_one(Variant, i.exchange_variant_id).sku, i.quantity] for i in exchanges],
            }
        code = "return.exchanged" if exchanges else "return.refunded"
        append_event(
            session,
            code,
            order=order,
            actor=actor,
            notify=notify,
            return_id=ret.id,
            transitions={"return": change},
            payload=payload,
        )
        return ret


def close_return(shop: Shop, return_id: int, *, actor: Actor) -> Return:
    with shop.db.write() as session:
        ret, order = load_return_and_order(session, return_id)
        change = set_status("return", ret, ReturnStatus.CLOSED)
        append_event(
            session,
            "return.closed",
            order=order,
            actor=actor,
            return_id=ret.id,
            transitions={"return": change},
            payload={"rma": ret.rma},
        )
        return ret
