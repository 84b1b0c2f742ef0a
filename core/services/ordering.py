"""Order capture with validation, holds and releases, processing, notes and closing."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain import orders, payments
from core.domain.commands import PlaceOrder, normalise_email, order_amounts, validate_order, validate_text
from core.errors import DuplicateEvent, ValidationFailed
from core.events.catalogue import HOLD_REASON_TEXT
from core.events.fact import CUSTOMER, Act, Actor
from core.models import Event, Order, Return
from core.permissions import Permission
from core.services.capture import assess_risk, insert_order
from core.services.card_payments import refusals_recorded
from core.services.common import catalogue_variants, load_order
from core.services.unit import unit_of_work
from core.shop import Shop


def place_order(shop: Shop, cmd: PlaceOrder, *, actor: Actor = CUSTOMER, notify: bool = True) -> Order:
    """Validate, authorise, score its fraud risk, reserve stock and record the order; hold it or capture payment."""
    validate_text(cmd)  # first: the SKUs are looked up next, and PostgreSQL refuses a NUL even there
    email = normalise_email(cmd.email)
    with shop.db.read() as session:
        variants = catalogue_variants(session, [line.sku for line in cmd.lines])
    validate_order(cmd, variants)
    amounts = order_amounts(cmd, variants)
    key = payments.authorization_key(cmd.channel, cmd.source_ref, cmd.payment_key)
    # A store's order was paid in the store: nothing is charged here.
    charge = not (cmd.payment_pending or cmd.store_payment)
    auth = shop.gateway.authorize(amounts[2], cmd.currency, cmd.card, key=key) if charge else None
    if auth is not None and auth.fingerprint:
        cmd = replace(cmd, card_fingerprint=auth.fingerprint)  # the gateway's word on the card is the surest
    try:
        with unit_of_work(shop) as unit:
            act = Act(actor, utcnow(), notify)
            risk = assess_risk(unit.session, shop, cmd, email=email, total_minor=amounts[2], at=cmd.placed_at or act.at)
            holds = orders.holds_for(cmd, shop.hold_policy, risk.score)
            backorderable = frozenset(v.id for v in variants.values() if v.product.backorders)
            return insert_order(
                unit, act, cmd, email=email, variants=variants, amounts=amounts, holds=holds, auth=auth, risk=risk,
                backorderable=backorderable,
            )  # fmt: skip
    except Exception as error:
        # Nothing was written, so nothing may stay authorised on the customer's card either.
        if auth is not None:
            shop.gateway.void(auth.reference, key=payments.operation_key("cancel", auth.reference))
        if isinstance(error, IntegrityError) and cmd.source_ref:
            raise DuplicateEvent(f"Order {cmd.source_ref} from {cmd.channel} is already recorded.") from None
        raise


def hold_order(
    shop: Shop, order_id: int, *, reason: str = "manual", detail: str = "", actor: Actor, notify: bool = True
) -> Order:
    """Staff put an order aside for review."""
    shop.permissions.require(actor, Permission.ORDER_HOLD)
    if reason not in HOLD_REASON_TEXT:
        raise ValidationFailed(f"Unknown hold reason {reason!r}.", field="reason")
    with unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        orders.hold(unit, Act(actor, utcnow(), notify), order, [(reason, detail or HOLD_REASON_TEXT[reason])])
        return order


def release_order(shop: Shop, order_id: int, *, actor: Actor, notify: bool = True) -> Order:
    """Clear a hold (capturing an authorised payment)."""
    shop.permissions.require(actor, Permission.ORDER_RELEASE)
    with refusals_recorded(shop, actor), unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        confirmed = select(Event.id).where(Event.order_id == order.id, Event.type == "order.confirmed").limit(1)
        before = unit.session.scalar(confirmed) is not None
        orders.release(unit, Act(actor, utcnow(), notify), order, confirmed_before=before)
        return order


def start_processing(shop: Shop, order_id: int, *, actor: Actor, notify: bool = True) -> Order:
    """Picking has started."""
    with unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        orders.start_processing(unit, Act(actor, utcnow(), notify), order)
        return order


def add_note(shop: Shop, order_id: int, *, text: str, for_customer: bool, actor: Actor) -> Order:
    """A staff note: internal, or shown on the customer's timeline."""
    shop.permissions.require(actor, Permission.ORDER_NOTE)
    with unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        orders.add_note(unit, Act(actor, utcnow()), order, text=text, for_customer=for_customer)
        return order


def close_order(shop: Shop, order_id: int, *, actor: Actor, now: datetime | None = None) -> Order:
    """Close a delivered order once nothing about it is open any more."""
    with unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        returns = unit.session.scalars(select(Return).where(Return.order_id == order.id))
        orders.close(unit, Act(actor, now or utcnow()), order, returns)
        return order


def find_by_source(session: Session, channel: str, source_ref: str) -> Order | None:
    return session.scalar(select(Order).where(Order.channel == channel, Order.source_ref == source_ref))
