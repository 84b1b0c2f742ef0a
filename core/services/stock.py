"""Stock moves as guarded single-statement updates.

The ``WHERE`` clause carries the invariant, so two concurrent transactions can
never oversell: on PostgreSQL the second update re-checks the row after the
first commits; on SQLite writers are serialised by ``BEGIN IMMEDIATE``. The
CHECK constraints on ``variants`` are the last line of defence.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain.stock import crossed_reorder_point
from core.errors import OutOfStock
from core.events import orders as facts
from core.events.fact import SYSTEM, Act, EventLog
from core.lifecycle import record
from core.models import Variant


def _available(session: Session, variant_id: int) -> tuple[str, int, int]:
    row = session.execute(
        select(Variant.sku, Variant.on_hand - Variant.reserved, Variant.reorder_point).where(Variant.id == variant_id)
    ).one()
    return row[0], row[1], row[2]


def _change(session: Session, variant_id: int, **values: object) -> None:
    statement = update(Variant).where(Variant.id == variant_id).values(**values)
    session.execute(statement.execution_options(synchronize_session=False))


class SessionStock:
    """``core.domain.unit.Stock`` on the ``variants`` table; reorder alerts go to ``log``."""

    def __init__(self, session: Session, log: EventLog) -> None:
        self.session, self.log = session, log

    def reserve(self, variant_id: int, quantity: int) -> None:
        result = self.session.execute(
            update(Variant)
            .where(Variant.id == variant_id, Variant.on_hand - Variant.reserved >= quantity)
            .values(reserved=Variant.reserved + quantity)
            .execution_options(synchronize_session=False)
        )
        sku, after, reorder_point = _available(self.session, variant_id)
        if result.rowcount != 1:
            raise OutOfStock(f"Only {max(after, 0)} of {sku} left in stock; {quantity} requested.", field="quantity")
        # "Before" comes from the row after the guarded update, not a read beforehand, so a
        # concurrent reservation cannot make two orders both see themselves as the crossing one.
        if crossed_reorder_point(after + quantity, after, reorder_point):
            alert = facts.stock_reorder_needed(
                variant_id=variant_id, sku=sku, available=after, reorder_point=reorder_point
            )
            record(self.log, Act(SYSTEM, utcnow()), alert)

    def release(self, variant_id: int, quantity: int) -> None:
        _change(self.session, variant_id, reserved=Variant.reserved - quantity)

    def consume(self, variant_id: int, quantity: int) -> None:
        _change(self.session, variant_id, on_hand=Variant.on_hand - quantity, reserved=Variant.reserved - quantity)

    def restock(self, variant_id: int, quantity: int) -> None:
        _change(self.session, variant_id, on_hand=Variant.on_hand + quantity)
