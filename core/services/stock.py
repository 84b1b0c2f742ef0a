"""Stock moves as guarded single-statement updates.

The ``WHERE`` clause carries the invariant, so two concurrent transactions can
never oversell: on PostgreSQL the second update re-checks the row after the
first commits; on SQLite writers are serialised by ``BEGIN IMMEDIATE``. The
CHECK constraints on ``variants`` are the last line of defence.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.errors import OutOfStock
from core.events.log import SYSTEM, append_event
from core.models import Variant


def _available(session: Session, variant_id: int) -> tuple[str, int, int]:
    row = session.execute(
        select(Variant.sku, Variant.on_hand - Variant.reserved, Variant.reorder_point).where(Variant.id == variant_id)
    ).one()
    return row[0], row[1], row[2]


def _note_reorder(session: Session, variant_id: int, taken: int) -> None:
    """Record ``stock.reorder_needed`` when taking ``taken`` units crossed below the reorder point.

    "Before" is derived from the row after the guarded update (not read beforehand), so a
    concurrent reservation cannot make two orders both see themselves as the crossing one."""
    sku, after, reorder_point = _available(session, variant_id)
    if after + taken >= reorder_point > after:
        append_event(
            session,
            "stock.reorder_needed",
            order=None,
            actor=SYSTEM,
            variant_id=variant_id,
            payload={"sku": sku, "available": after, "reorder_point": reorder_point},
        )


def reserve(session: Session, variant_id: int, quantity: int) -> None:
    """Hold ``quantity`` for an order, or raise ``OutOfStock`` if it is not there."""
    result = session.execute(
        update(Variant)
        .where(Variant.id == variant_id, Variant.on_hand - Variant.reserved >= quantity)
        .values(reserved=Variant.reserved + quantity)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        sku, available, _ = _available(session, variant_id)
        raise OutOfStock(f"Only {max(available, 0)} of {sku} left in stock; {quantity} requested.", field="quantity")
    _note_reorder(session, variant_id, quantity)


def release(session: Session, variant_id: int, quantity: int) -> None:
    """Give back a reservation (cancelled order, cancelled exchange)."""
    session.execute(
        update(Variant)
        .where(Variant.id == variant_id)
        .values(reserved=Variant.reserved - quantity)
        .execution_options(synchronize_session=False)
    )


def consume(session: Session, variant_id: int, quantity: int) -> None:
    """The reserved units left the building: both counters go down."""
    session.execute(
        update(Variant)
        .where(Variant.id == variant_id)
        .values(on_hand=Variant.on_hand - quantity, reserved=Variant.reserved - quantity)
        .execution_options(synchronize_session=False)
    )


def restock(session: Session, variant_id: int, quantity: int) -> None:
    session.execute(
        update(Variant)
        .where(Variant.id == variant_id)
        .values(on_hand=Variant.on_hand + quantity)
        .execution_options(synchronize_session=False)
    )
