"""Importing a past order as history: one transaction, all or nothing, recorded once (docs/import.md)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain import history
from core.domain.commands import normalise_email, order_amounts, validate_order, validate_text
from core.errors import ValidationFailed
from core.events.fact import Act, Actor
from core.models import Order, Shipment
from core.payments import Authorization
from core.risk import Assessment
from core.services.capture import insert_order
from core.services.common import catalogue_variants
from core.services.unit import history_unit
from core.shop import Shop


def _check_parcel_free(session: Session, past: history.PastOrder) -> None:
    number = past.parcel.tracking_number if past.parcel else None
    if number and session.scalar(select(Shipment.id).where(Shipment.tracking_number == number)) is not None:
        raise ValidationFailed(f"Tracking number {number} is already on another parcel.", field="tracking_number")


def record_past_order(shop: Shop, past: history.PastOrder, *, actor: Actor) -> Order:
    """Record ``past`` as it was, at its own times: no stock reserved, no gateway called, nobody told.
    The same order (its channel and number) imported again is refused as a ``DuplicateEvent``."""
    cmd = past.order
    validate_text(cmd)  # first: PostgreSQL cannot even compare a NUL in a SKU
    email = normalise_email(cmd.email)
    with shop.db.read() as session:
        items = history.items(past, catalogue_variants(session, [line.sku for line in cmd.lines]))
    validate_order(cmd, items)
    amounts = order_amounts(cmd, items)
    history.check(past, amounts[2], utcnow())
    auth = Authorization(past.payment_reference, None, history.GATEWAY) if history.paid(past) else None
    with history_unit(shop) as unit:
        act = Act(actor, cmd.placed_at or utcnow(), notify=False)
        order = insert_order(
            unit, act, cmd, email=email, variants=items, amounts=amounts, holds=[], auth=auth,
            risk=Assessment(0),
        )  # fmt: skip
        _check_parcel_free(unit.session, past)
        history.play(unit, act, order, past)
        return order
