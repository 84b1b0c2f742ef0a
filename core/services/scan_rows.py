"""Bulk reads and writes for ``scan_batch``: shipments by tracking number, known carrier
event keys, and the shipment and order columns a scan changes (event rows are ``core.events.rows``').

On SQLite the statements go straight to the DB-API with values pre-formatted exactly as
SQLAlchemy's SQLite types store them (naive ISO text datetimes in UTC, JSON text, 0/1
booleans): per-row type processing would otherwise cost more than the write itself. Times
stay in that stored text form from the read to the write (``instants``): its lexical order
is time order, so comparing texts is comparing times. Other backends use Core statements
and aware datetimes. A shipment update writes only the columns that changed: an unchanged
status left out of the SET list spares its index, about half the cost of the update.
``tests/integration/api/test_scan_batch.py`` reads the rows back through the ORM on both
backends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any

import orjson
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.models import Event, Order, Shipment

SHIPMENT_COLUMNS = ("status", "exception_reason", "last_scan_at", "last_location", "current_eta")
# One bit per column of SHIPMENT_COLUMNS, for ShipmentRow.changed.
STATUS, EXCEPTION_REASON, LAST_SCAN_AT, LAST_LOCATION, CURRENT_ETA = (1 << i for i in range(len(SHIPMENT_COLUMNS)))
_CHUNK = 500  # values per IN (...) list, well under every backend's parameter limit


Instant = Any  # a time in the backend's stored form: UTC text on SQLite, an aware datetime elsewhere


@dataclass(slots=True)
class ShipmentRow:
    """The columns of a shipment that a carrier scan reads or changes (duck-types ``Shipment``
    for ``shipment_payload``); times are instants in the backend's stored form."""

    id: int
    order_id: int
    status: str
    kind: str
    carrier: str
    service: str
    tracking_number: str
    exception_reason: str | None
    last_scan_at: Instant | None
    last_location: str | None
    current_eta: Instant | None
    changed: int = 0  # bits of the SHIPMENT_COLUMNS changed since the last write


ROW_COLUMNS = tuple(name for name in ShipmentRow.__dataclass_fields__ if name != "changed")


def shipment_row(shipment: Shipment, instant: Callable[[datetime | None], Instant]) -> ShipmentRow:
    row = ShipmentRow(*(getattr(shipment, name) for name in ROW_COLUMNS))
    row.last_scan_at, row.current_eta = instant(row.last_scan_at), instant(row.current_eta)
    return row


def chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def sqlite_time(value: datetime | None) -> str | None:
    """A datetime as SQLite's stored text (naive UTC, microseconds; a naive one is taken as UTC)."""
    if value is None:
        return None
    return as_utc(value).isoformat(" ", "microseconds")[:26]


def _fetch_all(session: Session, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Rows straight from the DB-API cursor of this transaction's connection: SQLAlchemy's
    per-row result processing would cost more than the query."""
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return list(cursor.execute(sql, params).fetchall())
    finally:
        cursor.close()


def known_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of these event idempotency keys are already recorded."""
    found: set[str] = set()
    for part in chunks(keys):
        if is_sqlite(session):
            sql = f"SELECT idempotency_key FROM events WHERE idempotency_key IN ({', '.join('?' * len(part))})"
            found.update(key for (key,) in _fetch_all(session, sql, tuple(part)))
        else:
            found.update(session.scalars(select(Event.idempotency_key).where(Event.idempotency_key.in_(part))))
    return found


def lock_owners(session: Session, numbers: list[str]) -> None:
    """Lock the orders of these parcels first (the lock order every service uses); SQLite's
    writers are serialised already."""
    if is_sqlite(session):
        return
    owners: set[int] = set()
    for part in chunks(numbers):
        owners.update(session.scalars(select(Shipment.order_id).where(Shipment.tracking_number.in_(part))))
    for ids in chunks(sorted(owners)):
        session.execute(select(Order.id).where(Order.id.in_(ids)).order_by(Order.id).with_for_update())


def load_shipments(session: Session, numbers: list[str]) -> dict[str, ShipmentRow]:
    """The parcels with these tracking numbers, locked for this transaction (on SQLite the
    write lock is the lock, and rows come in index order: sorting them would cost a sort)."""
    rows: dict[str, ShipmentRow] = {}
    columns = [getattr(Shipment, name) for name in ROW_COLUMNS]
    for part in chunks(numbers):
        if is_sqlite(session):
            marks = ", ".join("?" * len(part))
            sql = f"SELECT {', '.join(ROW_COLUMNS)} FROM shipments WHERE tracking_number IN ({marks})"
            found = _fetch_all(session, sql, tuple(part))
        else:
            found = session.execute(select(*columns).where(Shipment.tracking_number.in_(part)).order_by(Shipment.id).with_for_update())  # fmt: skip
        rows.update((r[6], ShipmentRow(*r)) for r in found)
    return rows


def _time_texts() -> Callable[[datetime | None], str | None]:
    """``sqlite_time`` with a memo: a batch's rows share a few instants (one "recorded at").
    Naive datetimes are taken as UTC, as everywhere in Shiplog (``core.clock.as_utc``).
    A closure, not an object with ``__call__``: it is called for every scan."""
    memo: dict[datetime | None, str | None] = {None: None}

    def instant(value: datetime | None) -> str | None:
        found = memo.get(value)
        if found is None and value is not None:
            found = memo[value] = sqlite_time(value)
        return found

    return instant


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def instants(session: Session) -> Callable[[datetime | None], Instant | None]:
    """The function turning aware datetimes into this backend's stored form."""
    return _time_texts() if is_sqlite(session) else _aware


def _json_text(payload: dict[str, Any]) -> str:
    return orjson.dumps(payload).decode()


def _as_is(payload: dict[str, Any]) -> dict[str, Any]:
    return payload


def payload_encoder(session: Session) -> Callable[[dict[str, Any]], Any]:
    """Payloads in the form the backend's statement takes: JSON text for SQLite's DB-API
    (encoded as each row is made, so the rows go to the driver as they are)."""
    return _json_text if is_sqlite(session) else _as_is


def _sqlite_updates(session: Session, rows: list[ShipmentRow]) -> None:
    """One UPDATE per set of changed columns (a batch has few), naming only those columns."""
    by_change: dict[int, list[ShipmentRow]] = {}
    for row in rows:
        by_change.setdefault(row.changed, []).append(row)
    for changed, group in by_change.items():
        names = [name for i, name in enumerate(SHIPMENT_COLUMNS) if changed & (1 << i)]
        sets = ", ".join(f"{name} = ?" for name in names)
        params = list(map(attrgetter(*names, "id"), group))  # tuples made in C, not per attribute
        session.connection().exec_driver_sql(f"UPDATE shipments SET {sets} WHERE id = ?", params)


def update_shipments(session: Session, rows: list[ShipmentRow]) -> None:
    """Write the changed columns of these rows (every row given has changed)."""
    if not rows:
        return
    if is_sqlite(session):
        _sqlite_updates(session, rows)
        return
    statement = (
        update(Shipment.__table__)
        .where(Shipment.__table__.c.id == bindparam("row_id"))
        .values({name: bindparam(f"new_{name}") for name in SHIPMENT_COLUMNS})
    )
    params_pg = [{"row_id": r.id, **{f"new_{n}": getattr(r, n) for n in SHIPMENT_COLUMNS}} for r in rows]
    session.connection().execute(statement, params_pg)


def bump_orders(session: Session, bumps: dict[int, int], when: Instant) -> None:
    """``order.version += n`` and ``last_event_at = when`` for each order id -> n in ``bumps``:
    what ``append_event`` does once per event."""
    if not bumps:
        return
    if is_sqlite(session):
        params = [(count, when, order_id) for order_id, count in sorted(bumps.items())]
        sql = "UPDATE orders SET version = version + ?, last_event_at = ? WHERE id = ?"
        session.connection().exec_driver_sql(sql, params)
        return
    table = Order.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(version=table.c.version + bindparam("n"), last_event_at=bindparam("when"))
    )
    session.connection().execute(statement, [{"row_id": i, "n": n, "when": when} for i, n in sorted(bumps.items())])


def event_ids(session: Session, keys: list[str]) -> dict[str, tuple[int, str]]:
    """Id and type of the events with these idempotency keys."""
    found: dict[str, tuple[int, str]] = {}
    for part in chunks(keys):
        query = select(Event.idempotency_key, Event.id, Event.type).where(Event.idempotency_key.in_(part))
        found.update({k: (i, t) for k, i, t in session.execute(query)})
    return found
