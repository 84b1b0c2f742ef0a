"""Bulk writes for ``scan_batch``: event rows and the shipment and order columns a scan changes.

On SQLite the rows go straight to the DB-API ``executemany`` with values pre-formatted
exactly as SQLAlchemy's SQLite types store them (ISO text datetimes in UTC, JSON text,
0/1 booleans): type processing per row would otherwise cost more than the insert itself.
Other backends use Core ``executemany``. ``tests/integration/api/test_scan_batch.py``
reads the rows back through the ORM on both backends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.models import Event, Order, Shipment

EVENT_COLUMNS = (
    "type",
    "order_id",
    "shipment_id",
    "occurred_at",
    "recorded_at",
    "actor_type",
    "actor_id",
    "visibility",
    "payload",
    "idempotency_key",
    "notify",
)
SHIPMENT_COLUMNS = ("status", "exception_reason", "last_scan_at", "last_location", "current_eta")


@dataclass
class ShipmentRow:
    """The columns of a shipment that a carrier scan reads or changes (duck-types ``Shipment``)."""

    id: int
    order_id: int
    status: str
    kind: str
    carrier: str
    service: str
    tracking_number: str
    exception_reason: str | None
    last_scan_at: datetime | None
    last_location: str | None
    current_eta: datetime | None
    dirty: bool = False


def shipment_row(shipment: Shipment) -> ShipmentRow:
    return ShipmentRow(
        shipment.id,
        shipment.order_id,
        shipment.status,
        shipment.kind,
        shipment.carrier,
        shipment.service,
        shipment.tracking_number,
        shipment.exception_reason,
        shipment.last_scan_at,
        shipment.last_location,
        shipment.current_eta,
    )


def _sqlite_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return as_utc(value).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _sqlite_event(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["type"],
        row["order_id"],
        row["shipment_id"],
        _sqlite_time(row["occurred_at"]),
        _sqlite_time(row["recorded_at"]),
        row["actor_type"],
        row["actor_id"],
        row["visibility"],
        json.dumps(row["payload"]),
        row["idempotency_key"],
        1 if row["notify"] else 0,
    )


def insert_events(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in EVENT_COLUMNS)
        sql = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({marks})"
        connection.exec_driver_sql(sql, [_sqlite_event(row) for row in rows])
    else:
        session.execute(insert(Event), rows)


def update_shipments(session: Session, rows: list[ShipmentRow]) -> None:
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        sets = ", ".join(f"{name} = ?" for name in SHIPMENT_COLUMNS)
        params = [
            (
                r.status,
                r.exception_reason,
                _sqlite_time(r.last_scan_at),
                r.last_location,
                _sqlite_time(r.current_eta),
                r.id,
            )
            for r in rows
        ]
        connection.exec_driver_sql(f"UPDATE shipments SET {sets} WHERE id = ?", params)
        return
    statement = (
        update(Shipment.__table__)
        .where(Shipment.__table__.c.id == bindparam("row_id"))
        .values({name: bindparam(f"new_{name}") for name in SHIPMENT_COLUMNS})
    )
    params_pg = [{"row_id": r.id, **{f"new_{n}": getattr(r, n) for n in SHIPMENT_COLUMNS}} for r in rows]
    session.connection().execute(statement, params_pg)


def bump_orders(session: Session, bumps: dict[int, tuple[int, datetime]]) -> None:
    """``order.version += n`` and ``last_event_at``: what ``append_event`` does once per event."""
    if not bumps:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        params = [(count, _sqlite_time(when), order_id) for order_id, (count, when) in sorted(bumps.items())]
        connection.exec_driver_sql("UPDATE orders SET version = version + ?, last_event_at = ? WHERE id = ?", params)
        return
    table = Order.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(version=table.c.version + bindparam("n"), last_event_at=bindparam("when"))
    )
    connection.execute(statement, [{"row_id": i, "n": n, "when": w} for i, (n, w) in sorted(bumps.items())])
