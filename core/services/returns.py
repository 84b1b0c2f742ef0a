"""Return requests: opening one (once per form), approval, rejection and cancellation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain import returns
from core.domain.commands import ReturnLineInput, ReturnOverride
from core.events.fact import Act, Actor
from core.models import Return, Variant
from core.permissions import Permission
from core.services.common import load_order, load_return_and_order, new_rma
from core.services.fulfilment import order_shipments
from core.services.unit import SessionUnit, unit_of_work
from core.shop import Shop


def _existing(session: Session, order_id: int, token: str | None) -> Return | None:
    if token is None:
        return None
    return session.scalar(select(Return).where(Return.order_id == order_id, Return.client_token == token))


def _products(session: Session, variant_ids: set[int]) -> dict[int, int]:
    rows = session.execute(select(Variant.id, Variant.product_id).where(Variant.id.in_(variant_ids)))
    return dict(rows.tuples().all())


def _create(
    shop: Shop, unit: SessionUnit, act: Act, order_id: int, items: list[ReturnLineInput], token: str | None,
    note: str | None, override: ReturnOverride | None,
) -> Return:  # fmt: skip
    session = unit.session
    order = load_order(session, order_id)
    found = _existing(session, order.id, token)
    if found is not None:
        return found
    delivered = returns.delivered_times(order_shipments(session, order.id))
    wanted = {line.variant_id for line in order.lines} | {i.exchange_variant_id for i in items if i.exchange_variant_id}
    products = _products(session, wanted)
    return returns.request(
        unit, act, order, items, rma=new_rma(), token=token, note=note, delivered=delivered,
        product_of=products.get, policy=shop.return_policy, override=override,
    )  # fmt: skip


def request_return(
    shop: Shop,
    order_id: int,
    items: list[ReturnLineInput],
    *,
    client_token: str | None = None,
    note: str | None = None,
    override: ReturnOverride | None = None,
    actor: Actor,
    notify: bool = True,
    now: datetime | None = None,
) -> Return:
    """Open a return; the same ``client_token`` twice gives back the first return. An ``override``
    (``return.override``, managers' by default) takes back items the policy refuses, for its reasons."""
    shop.permissions.require(actor, Permission.RETURN_OPEN)
    if override is not None:
        shop.permissions.require(actor, Permission.RETURN_OVERRIDE)
    try:
        with unit_of_work(shop) as unit:
            act = Act(actor, now or utcnow(), notify)
            return _create(shop, unit, act, order_id, items, client_token, note, override)
    except IntegrityError:
        with shop.db.read() as session:
            found = _existing(session, order_id, client_token)
        if found is None:
            raise
        return found


def approve_return(shop: Shop, return_id: int, *, actor: Actor, notify: bool = True) -> Return:
    shop.permissions.require(actor, Permission.RETURN_REVIEW)
    with unit_of_work(shop) as unit:
        ret, _ = load_return_and_order(unit.session, return_id)
        returns.approve(unit, Act(actor, utcnow(), notify), ret)
        return ret


def reject_return(shop: Shop, return_id: int, *, reason: str, actor: Actor, notify: bool = True) -> Return:
    shop.permissions.require(actor, Permission.RETURN_REVIEW)
    with unit_of_work(shop) as unit:
        ret, order = load_return_and_order(unit.session, return_id)
        returns.reject(unit, Act(actor, utcnow(), notify), order, ret, reason=reason)
        return ret


def cancel_return(shop: Shop, return_id: int, *, actor: Actor, notify: bool = True) -> Return:
    """The customer changed their mind before sending the parcel back."""
    with unit_of_work(shop) as unit:
        ret, order = load_return_and_order(unit.session, return_id)
        returns.cancel(unit, Act(actor, utcnow(), notify), order, ret)
        return ret
