"""Small helpers shared by the services: loading aggregates, making numbers, money text."""

from __future__ import annotations

import secrets
import string

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.errors import NotFound
from core.models import Order, Return, Shipment, Variant

_RMA_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"


def load_order(session: Session, order_id: int) -> Order:
    """The order, row-locked on PostgreSQL so concurrent changes to one order queue up."""
    order = session.scalar(select(Order).where(Order.id == order_id).with_for_update())
    if order is None:
        raise NotFound(f"No order #{order_id}.")
    return order


def load_shipment(session: Session, shipment_id: int) -> Shipment:
    shipment = session.scalar(select(Shipment).where(Shipment.id == shipment_id).with_for_update())
    if shipment is None:
        raise NotFound(f"No shipment #{shipment_id}.")
    return shipment


def load_return(session: Session, return_id: int) -> Return:
    found = session.scalar(select(Return).where(Return.id == return_id).with_for_update())
    if found is None:
        raise NotFound(f"No return #{return_id}.")
    return found


def _owner(session: Session, model: type[Shipment] | type[Return], entity_id: int, what: str) -> int:
    order_id = session.scalar(select(model.order_id).where(model.id == entity_id))
    if order_id is None:
        raise NotFound(f"No {what} #{entity_id}.")
    return order_id


def load_shipment_and_order(session: Session, shipment_id: int) -> tuple[Shipment, Order]:
    """Lock the order first, then its shipment: every service takes locks in that order,
    so two services touching one order can never deadlock on PostgreSQL."""
    order = load_order(session, _owner(session, Shipment, shipment_id, "shipment"))
    return load_shipment(session, shipment_id), order


def load_return_and_order(session: Session, return_id: int) -> tuple[Return, Order]:
    """Lock the order first, then the return (same lock order as every other service)."""
    order = load_order(session, _owner(session, Return, return_id, "return"))
    return load_return(session, return_id), order


def catalogue_variants(session: Session, skus: list[str]) -> dict[str, Variant]:
    """The catalogue's variants of ``skus`` (with their products), by SKU; unknown SKUs are left out."""
    query = select(Variant).options(joinedload(Variant.product)).where(Variant.sku.in_(skus))
    return {variant.sku: variant for variant in session.scalars(query)}


def new_order_number() -> str:
    return f"SL{secrets.randbelow(9 * 10**7) + 10**7}"


def new_rma() -> str:
    return "RMA-" + "".join(secrets.choice(_RMA_ALPHABET) for _ in range(8))
