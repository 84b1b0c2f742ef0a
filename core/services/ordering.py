"""Capture with validation, holds and releases, processing, notes and closing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.errors import DuplicateEvent, IllegalTransition, ValidationFailed
from core.events.catalogue import HOLD_REASON_TEXT
from core.events.log import Actor, append_event
from core.lifecycle import RETURN_OPEN_STATUSES, OrderStatus, set_status
from core.models import Order, Return, Variant
from core.policies import hold_reasons
from core.services import capture as capture_steps
from core.services.commands import PlaceOrder, normalise_email, order_amounts, validate_order
from core.services.common import load_order
from core.shop import Shop

CUSTOMER = Actor("customer")


def _variants(session: Session, skus: list[str]) -> dict[str, Variant]:
    return {
        v.sku: v
        for v in session.scalars(select(Variant).options(joinedload(Variant.product)).where(Variant.sku.in_(skus)))
    }


def _all_holds(shop: Shop, cmd: PlaceOrder) -> list[tuple[str, str]]:
    holds = hold_reasons(
        carrier=cmd.carrier,
        address_lines=cmd.shipping_address.lines(),
        fraud_score=cmd.fraud_score,
        note=cmd.note,
        policy=shop.hold_policy,
    )
    if cmd.payment_pending:
        holds.append(("payment_pending", "the store has not confirmed payment"))
    return holds + list(cmd.extra_holds)


def place_order(shop: Shop, cmd: PlaceOrder, *, actor: Actor = CUSTOMER, notify: bool = True) -> Order:
    """Validate, authorise, reserve stock and record the order; hold it or capture payment."""
    email = normalise_email(cmd.email)
    with shop.db.read() as session:
        variants = _variants(session, [line.sku for line in cmd.lines])
    validate_order(cmd, variants)
    amounts = order_amounts(cmd, variants)
    auth = None if cmd.payment_pending else shop.gateway.authorize(amounts[2], cmd.currency, cmd.card)
    try:
        with shop.db.write() as session:
            order = capture_steps.insert_order(session, cmd, email, variants, amounts, auth, actor, notify)
            holds = _all_holds(shop, cmd)
            if holds:
                _hold(session, order, holds, actor, notify)
            elif auth is not None:
                capture_steps.capture_payment(shop, session, order, actor, notify)
            return order
    except Exception as error:
        # Nothing was written, so nothing may stay authorised on the customer's card either.
        if auth is not None:
            shop.gateway.void(auth.reference)
        if isinstance(error, IntegrityError) and cmd.source_ref:
            raise DuplicateEvent(f"Order {cmd.source_ref} from {cmd.channel} is already recorded.") from None
        raise


def _hold(session: Session, order: Order, holds: list[tuple[str, str]], actor: Actor, notify: bool) -> None:
    change = set_status("order", order, OrderStatus.ON_HOLD)
    order.hold_reason = holds[0][0]
    order.hold_detail = "; ".join(detail for _, detail in holds)[:300]
    append_event(
        session,
        "order.held",
        order=order,
        actor=actor,
        notify=notify,
        transitions={"order": change},
        payload={
            "reason": holds[0][0],
            "reasons": [code for code, _ in holds],
            "detail": order.hold_detail,
            "reason_text": HOLD_REASON_TEXT.get(holds[0][0], holds[0][0]),
            "customer_action": holds[0][0] in {"payment_pending", "address_unverified"},
        },
    )


def hold_order(
    shop: Shop, order_id: int, *, reason: str = "manual", detail: str = "", actor: Actor, notify: bool = True
) -> Order:
    """Staff put an order aside for review."""
    if reason not in HOLD_REASON_TEXT:
        raise ValidationFailed(f"Unknown hold reason {reason!r}.", field="reason")
    with shop.db.write() as session:
        order = load_order(session, order_id)
        _hold(session, order, [(reason, detail or HOLD_REASON_TEXT.get(reason, reason))], actor, notify)
        return order


def release_order(shop: Shop, order_id: int, *, actor: Actor, notify: bool = True) -> Order:
    """Clear a hold; an authorised payment is captured straight away, and an order that was
    already paid when staff held it goes straight back to confirmed."""
    with shop.db.write() as session:
        order = load_order(session, order_id)
        change = set_status("order", order, OrderStatus.RELEASED)
        previous = order.hold_reason
        order.hold_reason = order.hold_detail = None
        append_event(
            session,
            "order.released",
            order=order,
            actor=actor,
            notify=notify,
            transitions={"order": change},
            payload={"reason": previous},
        )
        if capture_steps.authorised_payment(order) is not None:
            capture_steps.capture_payment(shop, session, order, actor, notify)
        elif any(p.status == "captured" for p in order.payments):
            _reconfirm(session, order, actor)
        return order


def _reconfirm(session: Session, order: Order, actor: Actor) -> None:
    # The customer already had their confirmation when the payment was captured: don't send it twice.
    change = set_status("order", order, OrderStatus.CONFIRMED)
    append_event(
        session,
        "order.confirmed",
        order=order,
        actor=actor,
        notify=False,
        transitions={"order": change},
        payload={"resumed": True},
    )


def start_processing(shop: Shop, order_id: int, *, actor: Actor, notify: bool = True) -> Order:
    """Picking has started."""
    with shop.db.write() as session:
        order = load_order(session, order_id)
        change = set_status("order", order, OrderStatus.PROCESSING)
        append_event(
            session, "order.processing", order=order, actor=actor, notify=notify, transitions={"order": change}
        )
        return order


def add_note(shop: Shop, order_id: int, *, text: str, for_customer: bool, actor: Actor) -> Order:
    """A staff note: internal, or shown on the customer's timeline."""
    code = "note.customer_added" if for_customer else "note.internal_added"
    if not text.strip():
        raise ValidationFailed("A note cannot be empty.", field="text")
    if len(text.strip()) > 2000:
        raise ValidationFailed("A note can be at most 2,000 characters.", field="text")
    with shop.db.write() as session:
        order = load_order(session, order_id)
        append_event(session, code, order=order, actor=actor, payload={"text": text.strip()})
        return order


def close_order(shop: Shop, order_id: int, *, actor: Actor, now: datetime | None = None) -> Order:
    """Close a delivered order once nothing about it is open any more."""
    with shop.db.write() as session:
        order = load_order(session, order_id)
        open_returns = session.scalar(
            select(Return.id).where(Return.order_id == order.id, Return.status.in_(RETURN_OPEN_STATUSES)).limit(1)
        )
        if open_returns is not None:
            raise IllegalTransition("This order has an open return; close it first.")
        change = set_status("order", order, OrderStatus.CLOSED)
        append_event(
            session,
            "order.closed",
            order=order,
            actor=actor,
            transitions={"order": change},
            occurred_at=now or utcnow(),
        )
        return order


def find_by_source(session: Session, channel: str, source_ref: str) -> Order | None:
    return session.scalar(select(Order).where(Order.channel == channel, Order.source_ref == source_ref))
