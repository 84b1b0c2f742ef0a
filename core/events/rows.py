"""The one writer of event rows. Whatever records a fact (a service, a batch of carrier scans,
the demo seed), its row is made by ``Rows.row`` and inserted by a function of this module.

A sink differs only in form, never in content: how it writes times (aware datetimes, or the
text SQLite stores), how it encodes the payload (a dict, or JSON text) and how it names an
event that has no key of its own (random, or deterministic in the seed).
``tests/unit/core/test_architecture.py`` fails on any ``Event(`` or ``INSERT INTO events``
elsewhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.events.catalogue import EVENT_TYPES, event_type
from core.events.fact import Act, Fact, Transitions
from core.models import Event

EVENT_COLUMNS = (
    "type",
    "order_id",
    "shipment_id",
    "return_id",
    "variant_id",
    "payment_id",
    "occurred_at",
    "recorded_at",
    "actor_type",
    "actor_id",
    "visibility",
    "payload",
    "idempotency_key",
    "notify",
)
KEY, TYPE = EVENT_COLUMNS.index("idempotency_key"), EVENT_COLUMNS.index("type")
# Columns most events leave empty; a bulk insert names them only when a row of the batch has one.
_SPARSE = tuple(EVENT_COLUMNS.index(name) for name in ("return_id", "variant_id", "payment_id"))


def visibility(code: str) -> str:
    return event_type(code).visibility.value


_VISIBILITY = {code: kind.visibility.value for code, kind in EVENT_TYPES.items()}  # looked up per row


def random_key(code: str) -> str:
    return f"{code}:{uuid.uuid4().hex}"


def _same(value: Any) -> Any:
    return value


class Rows:
    """Event rows in ``EVENT_COLUMNS`` order, in one sink's forms."""

    def __init__(
        self,
        instant: Callable[[Any], Any] = _same,
        encode: Callable[[dict[str, Any]], Any] = _same,
        new_key: Callable[[str], str] = random_key,
    ) -> None:
        self.instant, self.encode, self.new_key = instant, encode, new_key

    def row(self, fact: Fact, act: Act, transitions: Transitions | None, recorded: Any) -> tuple[Any, ...]:
        """``recorded`` is already in the sink's time form (one per transaction in bulk paths)."""
        code, payload, actor = fact.code, fact.payload, act.actor
        if transitions:
            payload["transitions"] = transitions  # the fact is the row's: it is used once
        return (
            code, fact.order_id, fact.shipment_id, fact.return_id, fact.variant_id, fact.payment_id,
            self.instant(act.at), recorded, actor.type, actor.id, _VISIBILITY.get(code) or visibility(code),
            self.encode(payload), fact.key or self.new_key(code), act.notify,
        )  # fmt: skip


def as_model(row: tuple[Any, ...]) -> Event:
    """The row as an ORM object, for a service's session (made with the default ``Rows``)."""
    return Event(**dict(zip(EVENT_COLUMNS, row, strict=True)))


class KnownEvents(Exception):
    """An optimistic insert met events that were already recorded: redo the batch with
    the duplicate check first."""


def _used(rows: list[tuple[Any, ...]]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The columns some row fills, and the rows cut to them: binding a parameter costs more than
    SQLite's default NULL (bench/README.md, "Speed notes from core")."""
    empty = {i for i in _SPARSE if all(row[i] is None for row in rows)}
    if not empty:
        return EVENT_COLUMNS, rows
    kept = [i for i in range(len(EVENT_COLUMNS)) if i not in empty]
    pick = itemgetter(*kept)
    return tuple(EVENT_COLUMNS[i] for i in kept), [pick(row) for row in rows]


def _insert_sqlite(session: Session, rows: list[tuple[Any, ...]], optimistic: bool) -> list[int] | None:
    connection = session.connection()
    columns, values = _used(rows)
    marks = ", ".join("?" for _ in columns)
    before = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM events").scalar_one()
    conflict = " ON CONFLICT (idempotency_key) DO NOTHING" if optimistic else ""
    connection.exec_driver_sql(f"INSERT INTO events ({', '.join(columns)}) VALUES ({marks}){conflict}", values)
    after = connection.exec_driver_sql("SELECT max(id) FROM events").scalar_one()
    if optimistic and after - before != len(rows):
        raise KnownEvents()
    # Under the write lock SQLite numbers new rows max(id)+1, +2, ...; the check makes sure.
    return list(range(before + 1, after + 1)) if after - before == len(rows) else None


def insert_many(session: Session, rows: list[tuple[Any, ...]], *, optimistic: bool = False) -> list[int] | None:
    """Insert rows made in bulk form (SQLite: stored text times and JSON text; elsewhere the
    default forms); their ids in order where the backend tells them cheaply, else None.

    ``optimistic`` (SQLite) skips rows whose key is already recorded instead of failing and
    raises ``KnownEvents`` if there were any: the caller redoes the batch checking first, a
    query the common case of new events skips."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "sqlite":
        return _insert_sqlite(session, rows, optimistic)
    session.execute(insert(Event), [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in rows])
    return None


def insert_numbered(cursor: Any, marker: str, rows: list[tuple[Any, ...]]) -> None:
    """The demo seed's rows: each is (id, *row), ids handed out in advance."""
    columns = ("id", *EVENT_COLUMNS)
    sql = f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    cursor.executemany(sql, rows)
