"""Small helpers shared by the services: loading aggregates, making numbers, money text."""

from __future__ import annotations

import secrets
import string

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.models import Order, Return, Shipment

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


def new_order_number() -> str:
    return f"SL{secrets.randbelow(9 * 10**7) + 10**7}"


def new_rma() -> str:
    return "RMA-" + "".join(secrets.choice(_RMA_ALPHABET) for _ in range(8))


def money_text(amount_minor: int, currency: str) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, "")
    text = f"{amount_minor // 100:,}.{amount_minor % 100:02d}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"
