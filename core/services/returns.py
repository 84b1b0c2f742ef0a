"""Return requests: eligibility, the over-return guard, approval, rejection and cancellation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import as_utc, utcnow
from core.errors import NotEligible, ValidationFailed
from core.events.log import Actor, append_event
from core.lifecycle import ReturnStatus, set_status
from core.models import Order, OrderLine, Return, ReturnLine, Shipment, ShipmentLine, Variant
from core.policies import LineEligibility, ReturnPolicy, line_eligibility
from core.services import stock
from core.services.common import load_order, load_return_and_order, new_rma
from core.shop import Shop


@dataclass(frozen=True)
class ReturnLineInput:
    order_line_id: int
    quantity: int
    reason: str
    resolution: str = "refund"  # refund | exchange
    exchange_variant_id: int | None = None
    note: str | None = None


def line_delivered_at(session: Session, order_id: int) -> dict[int, datetime]:
    """When each line was last delivered (the return window runs from there)."""
    rows = session.execute(
        select(ShipmentLine.order_line_id, func.max(Shipment.delivered_at))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.order_id == order_id, Shipment.kind == "outbound", Shipment.delivered_at.is_not(None))
        .group_by(ShipmentLine.order_line_id)
    )
    return {line_id: as_utc(when) for line_id, when in rows}


def eligibility(session: Session, order: Order, policy: ReturnPolicy, now: datetime) -> dict[int, LineEligibility]:
    delivered = line_delivered_at(session, order.id)
    return {
        line.id: line_eligibility(
            quantity_delivered=line.qty_delivered,
            quantity_returning=line.qty_returning,
            final_sale=line.final_sale,
            delivered_at=delivered.get(line.id),
            now=now,
            policy=policy,
        )
        for line in order.lines
    }


def _check_exchange(session: Session, line: OrderLine, item: ReturnLineInput) -> None:
    if item.resolution == "refund":
        return
    if item.resolution != "exchange" or item.exchange_variant_id is None:
        raise ValidationFailed("Choose refund, or exchange with a variant.", field="resolution")
    wanted = session.get(Variant, item.exchange_variant_id)
    current = session.get_one(Variant, line.variant_id)
    if wanted is None or wanted.product_id != current.product_id or wanted.id == current.id:
        raise ValidationFailed(
            "An exchange must be for another variant of the same product.", field="exchange_variant_id"
        )
    stock.reserve(session, wanted.id, item.quantity)


def _claim(
    session: Session, order: Order, item: ReturnLineInput, checks: dict[int, LineEligibility], policy: ReturnPolicy
) -> OrderLine:
    line = next((ln for ln in order.lines if ln.id == item.order_line_id), None)
    if line is None:
        raise ValidationFailed(f"Line {item.order_line_id} is not on this order.", field="lines")
    if item.reason not in policy.reasons:
        raise ValidationFailed(f"Pick a reason from the list for {line.name}.", field="reason")
    if item.quantity <= 0:
        raise ValidationFailed(f"{line.name}: choose how many to return (at least 1).", field="quantity")
    check = checks[line.id]
    if not check.eligible:
        raise NotEligible(f"{line.name}: {check.message}", field="lines")
    if not 0 < item.quantity <= check.max_quantity:
        raise NotEligible(f"{line.name}: you can return up to {check.max_quantity}.", field="quantity")
    guarded = session.execute(
        update(OrderLine)
        .where(OrderLine.id == line.id, OrderLine.qty_delivered - OrderLine.qty_returning >= item.quantity)
        .values(qty_returning=OrderLine.qty_returning + item.quantity)
        .execution_options(synchronize_session=False)
    )
    if guarded.rowcount != 1:
        raise NotEligible(f"{line.name}: already returned, or on a return in progress.", field="quantity")
    _check_exchange(session, line, item)
    return line


def _approve(session: Session, ret: Return, order: Order, actor: Actor, notify: bool) -> None:
    change = set_status("return", ret, ReturnStatus.APPROVED)
    ret.approved_at = utcnow()
    append_event(
        session,
        "return.approved",
        order=order,
        actor=actor,
        notify=notify,
        return_id=ret.id,
        transitions={"return": change},
        payload={"rma": ret.rma},
    )


def _create(
    shop: Shop,
    session: Session,
    order: Order,
    items: list[ReturnLineInput],
    token: str | None,
    note: str | None,
    actor: Actor,
    notify: bool,
    now: datetime,
) -> Return:
    if not items:
        raise ValidationFailed("Choose at least one item to return.", field="lines")
    if len({item.order_line_id for item in items}) != len(items):
        raise ValidationFailed("Each item may appear once on a return.", field="lines")
    checks = eligibility(session, order, shop.return_policy, now)
    ret = Return(
        rma=new_rma(),
        order_id=order.id,
        status=ReturnStatus.REQUESTED,
        client_token=token,
        customer_note=(note or "")[:2000] or None,
        created_at=now,
    )
    session.add(ret)
    session.flush()
    for item in items:
        _claim(session, order, item, checks, shop.return_policy)
        session.add(
            ReturnLine(
                return_id=ret.id,
                order_line_id=item.order_line_id,
                quantity=item.quantity,
                reason=item.reason,
                note=(item.note or "")[:500] or None,
                resolution=item.resolution,
                exchange_variant_id=item.exchange_variant_id if item.resolution == "exchange" else None,
            )
        )
    session.flush()
    append_event(
        session,
        "return.requested",
        order=order,
        actor=actor,
        notify=notify,
        return_id=ret.id,
        transitions={"return": ("", ReturnStatus.REQUESTED)},
        payload={"rma": ret.rma, "lines": [[i.order_line_id, i.quantity, i.reason, i.resolution] for i in items]},
    )
    if not shop.return_policy.needs_review({item.reason for item in items}):
        _approve(session, ret, order, Actor.system(), notify)
    return ret


def _existing(session: Session, order_id: int, token: str | None) -> Return | None:
    if token is None:
        return None
    return session.scalar(select(Return).where(Return.order_id == order_id, Return.client_token == token))


def request_return(
    shop: Shop,
    order_id: int,
    items: list[ReturnLineInput],
    *,
    client_token: str | None = None,
    note: str | None = None,
    actor: Actor,
    notify: bool = True,
    now: datetime | None = None,
) -> Return:
    """Open a return; the same ``client_token`` twice gives back the first return."""
    try:
        with shop.db.write() as session:
            order = load_order(session, order_id)
            found = _existing(session, order.id, client_token)
            return found or _create(shop, session, order, items, client_token, note, actor, notify, now or utcnow())
    except IntegrityError:
        with shop.db.read() as session:
            found = _existing(session, order_id, client_token)
        if found is None:
            raise
        return found


def _release(session: Session, ret: Return) -> None:
    for line in ret.lines:
        session.execute(
            update(OrderLine)
            .where(OrderLine.id == line.order_line_id)
            .values(qty_returning=OrderLine.qty_returning - line.quantity)
        )
        if line.exchange_variant_id is not None:
            stock.release(session, line.exchange_variant_id, line.quantity)


def approve_return(shop: Shop, return_id: int, *, actor: Actor, notify: bool = True) -> Return:
    with shop.db.write() as session:
        ret, order = load_return_and_order(session, return_id)
        _approve(session, ret, order, actor, notify)
        return ret


def _end(shop: Shop, return_id: int, status: str, code: str, reason: str, actor: Actor, notify: bool) -> Return:
    with shop.db.write() as session:
        ret, order = load_return_and_order(session, return_id)
        change = set_status("return", ret, status)
        _release(session, ret)
        append_event(
            session,
            code,
            order=order,
            actor=actor,
            notify=notify,
            return_id=ret.id,
            transitions={"return": change},
            payload={"rma": ret.rma, "reason": reason},
        )
        return ret


def reject_return(shop: Shop, return_id: int, *, reason: str, actor: Actor, notify: bool = True) -> Return:
    return _end(shop, return_id, ReturnStatus.REJECTED, "return.rejected", reason[:300], actor, notify)


def cancel_return(shop: Shop, return_id: int, *, actor: Actor, notify: bool = True) -> Return:
    """The customer changed their mind before sending the parcel back."""
    return _end(shop, return_id, ReturnStatus.CANCELLED, "return.cancelled", "cancelled by customer", actor, notify)
