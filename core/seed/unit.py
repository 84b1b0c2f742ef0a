"""The seed's ``Unit``: the domain rules (``core.domain``) play each order in memory, and what
they make becomes rows for the bulk writer.

New rows are records numbered in advance; facts become event rows through the one row
builder (``core.events.rows``) and plan their messages through the one planner
(``core.outbox.plan``). Only history no longer counts: events recorded before the last day
are taken as already notified, so they plan nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from orjson import dumps

from core import outbox
from core.events.fact import Act, Fact, Transitions
from core.events.rows import Rows
from core.models import Order, OutboxMessage
from core.models.links import parents
from core.payments import Refunded
from core.policies import PaymentPolicy
from core.seed.records import BY_TABLE, SHAPES
from core.seed.stamps import Stamps
from core.seed.stock import StockLedger

T = TypeVar("T")
DAY = 86_400


def at(t: int) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def _json(payload: dict[str, Any]) -> str:
    return dumps(payload).decode()


@dataclass(slots=True)
class Logged:
    """A seeded event as the notification planner reads it."""

    id: int
    type: str
    order_id: int | None
    shipment_id: int | None
    return_id: int | None
    occurred_at: datetime
    recorded_at: datetime
    payload: dict[str, Any]


class Audience:
    """Who hears of a seeded order's events: its customer (no subscribers, nobody opted out)."""

    def __init__(self) -> None:
        self.notified: list[Logged] = []

    def planned(self, event: Logged) -> list[Logged]:
        return self.notified

    def recipients(
        self, order: outbox.Addressee, rule: outbox.NotificationRule, event: outbox.Logged
    ) -> list[outbox.Recipient]:
        return outbox.customer_recipients(order, rule, email_stopped=False)

    def opted_out(self, phones: set[str]) -> set[str]:
        return set()


class LedgerStock:
    """Stock moves go to the ledger, timed; the opening stock is settled once history is known."""

    def __init__(self, ledger: StockLedger) -> None:
        self.ledger, self.t = ledger, 0

    def reserve(self, variant_id: int, quantity: int) -> None:
        self.ledger.reserve(variant_id, quantity, self.t)

    def release(self, variant_id: int, quantity: int) -> None:
        self.ledger.release(variant_id, quantity, self.t)

    def consume(self, variant_id: int, quantity: int) -> None:
        self.ledger.consume(variant_id, quantity)

    def restock(self, variant_id: int, quantity: int) -> None:
        self.ledger.restock(variant_id, quantity, self.t)


class Gateway:
    """The fake gateway's answers, made deterministic: refund references follow the refund ids."""

    def __init__(self) -> None:
        self.refunds = 0

    def capture(self, reference: str, amount_minor: int, *, key: str) -> None:
        return None

    def void(self, reference: str, *, key: str) -> None:
        return None

    def refund(self, reference: str, amount_minor: int, *, key: str) -> Refunded:
        self.refunds += 1
        return Refunded(f"fake_refund_{(self.refunds * 2654435761) % 16**16:016x}")


class Ids:
    """Primary keys handed out in insert order, so rows can reference each other before insert."""

    def __init__(self, start: dict[str, int] | None = None) -> None:
        self._last = dict.fromkeys(BY_TABLE, 0) | (start or {})

    def __call__(self, table: str) -> int:
        value = self._last[table] + 1
        self._last[table] = value
        return value

    def peek(self, table: str) -> int:
        return self._last[table] + 1

    def last(self) -> dict[str, int]:
        return dict(self._last)


class SeedUnit:
    """``core.domain.unit.Unit`` for the seed: records in memory, rows out in bulk."""

    def __init__(self, ids: Ids, stamps: Stamps, now: int, ledger: StockLedger) -> None:
        self.ids, self.stamps = ids, stamps
        self.notify_from = at(now - DAY)  # events recorded since then still have messages to send
        self.stock = LedgerStock(ledger)
        self.gateway = Gateway()
        self.payment_policy = PaymentPolicy()  # the demo's history: captured as each order is confirmed
        self.rows = Rows(instant=self.text, encode=_json, new_key=self._key)
        self.events: list[tuple[Any, ...]] = []
        self.made: dict[str, list[tuple[Any, ...]]] = {}
        self._event_id = 0
        self.begin()

    def text(self, moment: datetime) -> str:
        return self.stamps.text(int(moment.timestamp()))

    def _key(self, code: str) -> str:
        return f"{code}:seed-{self._event_id}"

    def peek(self, model: type) -> int:
        """The id the next new row of ``model`` will get (seeded numbers derive from it)."""
        return self.ids.peek(SHAPES[model].table)

    def begin(self) -> None:
        """A new order's play: its rows are linked to each other, never to an earlier order's."""
        self.tree: dict[tuple[type, int], Any] = {}
        self.pending: list[Any] = []
        self.audience = Audience()

    def finish(self) -> None:
        """The order's records, in their final state, become rows."""
        for record in self.pending:
            shape = SHAPES[type(record).model]  # type: ignore[attr-defined]
            self.made.setdefault(shape.table, []).append(shape.row(record, self.text))
        self.begin()

    def take(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row made since the last call, per table."""
        made, self.made = self.made, {}
        if self.events:
            made["events"], self.events = self.events, []
        return made

    def create(self, model: type[T], **columns: Any) -> T:
        return self.create_all(model, [columns])[0]

    def create_all(self, model: type[T], rows: list[dict[str, Any]]) -> list[T]:
        shape, links = SHAPES[model], parents(model)
        made = []
        for columns in rows:
            record = shape.record(**columns)
            if record.id is None:
                record.id = self.ids(shape.table)
            self.tree[(model, record.id)] = record
            for foreign_key, parent_model, collection in links:
                parent = self.tree.get((parent_model, getattr(record, foreign_key)))
                if parent is not None:
                    getattr(parent, collection).append(record)
            self.pending.append(record)
            made.append(record)
        return made

    def append(self, fact: Fact, act: Act, transitions: Transitions | None) -> None:
        self._event_id = event_id = self.ids("events")
        recorded = act.recorded_at or act.at
        order = None if fact.order_id is None else self.tree.get((Order, fact.order_id))
        if order is not None:
            # One clock records the log: never earlier than the order's last event (carrier feeds lag).
            if order.last_event_at is not None and recorded < order.last_event_at:
                recorded = order.last_event_at
            order.version += 1
            order.last_event_at = recorded
        self.events.append((event_id, *self.rows.row(fact, act, transitions, self.text(recorded))))
        if order is not None and act.notify and recorded >= self.notify_from:
            logged = Logged(event_id, fact.code, fact.order_id, fact.shipment_id, fact.return_id, act.at, recorded, fact.payload)  # fmt: skip
            self._plan(logged, order)

    def _plan(self, event: Logged, order: Any) -> None:
        messages = outbox.plan(self.audience, event, order)
        if messages:
            self.audience.notified.append(event)
        for fields in messages:
            self.create(OutboxMessage, **fields)
