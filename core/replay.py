"""Rebuild every status from the event log alone, to prove the projection is derived from it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.lifecycle import can_transition, may_be_born
from core.models import Event, Order, Payment, Refund, Return, Shipment

# Each aggregate, its projection table, and the event column naming it.
AGGREGATES = {
    "order": (Order, Event.order_id),
    "shipment": (Shipment, Event.shipment_id),
    "return": (Return, Event.return_id),
    "payment": (Payment, Event.payment_id),
}
# A refund's events name it in their payload ("refund_id"), not in a column of their own.
IN_PAYLOAD = {"refund": Refund}


@dataclass
class Replayed:
    statuses: dict[str, dict[int, str]] = field(default_factory=lambda: {k: {} for k in AGGREGATES | IN_PAYLOAD})
    illegal: list[str] = field(default_factory=list)

    def apply(self, event_id: int, aggregate: str, entity_id: int, change: list[str]) -> None:
        before, after = change
        current = self.statuses[aggregate].get(entity_id, "")
        legal = can_transition(aggregate, before, after) if before else may_be_born(aggregate, after)
        if current != before or not legal:
            self.illegal.append(f"event #{event_id}: {aggregate} {entity_id} {current!r} -> {before!r}->{after!r}")
        self.statuses[aggregate][entity_id] = after


def _events(session: Session, batch: int = 50_000) -> Iterator[Any]:
    columns = [column for _, column in AGGREGATES.values()]
    query = select(Event.id, Event.payload, *columns).order_by(Event.id)
    yield from session.execute(query.execution_options(yield_per=batch))


def replay(session: Session) -> Replayed:
    """Fold every recorded transition, in log order, into a fresh set of statuses."""
    result = Replayed()
    names = list(AGGREGATES)
    for event_id, payload, *entity_ids in _events(session):
        ids = dict(zip(names, entity_ids, strict=True)) | {"refund": payload.get("refund_id")}
        for aggregate, change in (payload.get("transitions") or {}).items():
            entity_id = ids.get(aggregate)
            if entity_id is None:
                result.illegal.append(f"event #{event_id}: moves a {aggregate} it does not name")
                continue
            result.apply(event_id, aggregate, entity_id, change)
    return result


def projected(session: Session) -> dict[str, dict[int, str]]:
    """The statuses as the projection tables hold them now."""
    models = {name: model for name, (model, _) in AGGREGATES.items()} | IN_PAYLOAD
    return {
        name: dict(session.execute(select(model.id, model.status)).tuples().all()) for name, model in models.items()
    }


def differences(session: Session) -> list[str]:
    """Every place where replaying the log disagrees with the projection (empty means consistent)."""
    rebuilt = replay(session)
    found = list(rebuilt.illegal)
    for aggregate, statuses in projected(session).items():
        replayed = rebuilt.statuses[aggregate]
        for entity_id in sorted(statuses.keys() | replayed.keys()):
            status, again = statuses.get(entity_id), replayed.get(entity_id)
            if status != again:
                found.append(f"{aggregate} {entity_id}: projection {status!r}, replay {again!r}")
    return found
