"""The second half of a return: shipping back, receipt with condition, refund or exchange."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain import return_resolution
from core.domain.return_resolution import Replacement
from core.domain.shipping import Parcel
from core.events.fact import Act, Actor
from core.models import Product, Return, Variant
from core.permissions import Permission
from core.services.backorders import fill_backorders
from core.services.card_payments import refusals_recorded
from core.services.common import load_return_and_order
from core.services.fulfilment import check_tracking
from core.services.unit import SessionUnit, unit_of_work
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
    with unit_of_work(shop) as unit:
        ret, _ = load_return_and_order(unit.session, return_id)
        act = Act(actor, occurred_at or utcnow(), notify)
        return_resolution.ship_back(unit, act, ret, tracking=tracking_number)
        return ret


def receive_return(
    shop: Shop, return_id: int, *, conditions: dict[int, str] | None = None, actor: Actor, notify: bool = True
) -> Return:
    """Record the parcel's arrival and each line's condition; resellable items go back on the shelf."""
    shop.permissions.require(actor, Permission.RETURN_RECEIVE)
    with unit_of_work(shop) as unit:
        ret, order = load_return_and_order(unit.session, return_id)
        act = Act(actor, utcnow(), notify)
        return_resolution.receive(unit, act, order, ret, conditions or {}, shop.return_policy)
        _fill_backorders(unit, act, {ln.id: ln.variant_id for ln in order.lines}, ret)
        return ret


def _fill_backorders(unit: SessionUnit, act: Act, variants: dict[int, int | None], ret: Return) -> None:
    """Items back on the shelf serve orders waiting for their SKU, as a stock receipt does."""
    restocked = {variants[item.order_line_id] for item in ret.lines if item.restocked_qty}
    for variant_id in sorted(v for v in restocked if v is not None):  # id order, as stock is locked elsewhere
        # The restock was a guarded UPDATE the ORM did not see: read the level it left.
        variant = unit.session.get_one(Variant, variant_id, populate_existing=True)
        fill_backorders(unit, act, variant)


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
    shop.permissions.require(actor, Permission.RETURN_RESOLVE)
    with refusals_recorded(shop, actor, reason="return refund"), unit_of_work(shop) as unit:
        session = unit.session
        ret, order = load_return_and_order(session, return_id)
        exchange = None
        if exchange_tracking and _exchanged(ret):
            exchange = Parcel(exchange_carrier, exchange_service, check_tracking(session, exchange_tracking))
        return_resolution.resolve(
            unit, Act(actor, utcnow(), notify), order, ret, policy=shop.return_policy, exchange=exchange,
            variant_of=_replacements(session, _exchanged(ret)).__getitem__,
        )  # fmt: skip
        return ret


def _replacements(session: Session, variant_ids: set[int]) -> dict[int, Replacement]:
    found = session.execute(
        select(Variant.id, Variant.sku, Product.name, Variant.title)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.id.in_(variant_ids))
    )
    return {variant_id: Replacement(sku, name, title) for variant_id, sku, name, title in found}


def _exchanged(ret: Return) -> set[int]:
    return {line.exchange_variant_id for line in ret.lines if line.exchange_variant_id is not None}


def close_return(shop: Shop, return_id: int, *, actor: Actor) -> Return:
    with unit_of_work(shop) as unit:
        ret, _ = load_return_and_order(unit.session, return_id)
        return_resolution.close(unit, Act(actor, utcnow()), ret)
        return ret
