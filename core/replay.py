"""Rebuild every status from the event log alone, to prove the projection is derived from it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.lifecycle import INITIAL_STATUS, can_transition
from core.models import Event, Order, Return, Shipment

_ID_COLUMN = {"order": "order_id", "shipment": "shipment_id", "return": "return_id"}


@dataclass
class Replayed:
    statuses: dict[str, dict[int, str]] = field(default_factory=lambda: {k: {} for k in _ID_COLUMN})
    illegal: list[str] = field(default_factory=list)

    def apply(self, event_id: int, aggregate: str, entity_id: int, change: list[str]) -> None:
        before, after = change
        current = self.statuses[aggregate].get(entity_id, "")
        legal = can_transition(aggregate, before, after) if before else after == INITIAL_STATUS[aggregate]
        if current != before or not legal:
            self.illegal.append(f"event #{event_id}: {aggregate} {entity_id} {current!r} -> {before!r}->{after!r}")
        self.statuses[aggregate][entity_id] = after


def _events(session: Session, batch: int = 50_000) -> Iterator[tuple[int, int | None, int | None, int | None, dict]]:
    query = select(Event.id, Event.order_id, Event.shipment_id, Event.return_id, Event.payload).order_by(Event.id)
    yield from session.execute(query.execution_options(yield_per=batch))  # type: ignore[misc]


def replay(session: Session) -> Replayed:
    """Fold every recorded transition, in log order, into a fresh set of statuses."""
    result = Replayed()
    for event_id, order_id, shipment_id, return_id, payload in _events(session):
        ids = {"order": order_id, "shipment": shipment_id, "return": return_id}
        for aggregate, change in (payload.get("transitions") or {}).items():
            entity_id = ids[aggregate]
            if entity_id is not None:
                result.apply(event_id, aggregate, entity_id, change)
    return result


def projected(session: Session) -> dict[str, dict[int, str]]:
    """The statuses as the projection tables hold them now."""
    tables = {"order": Order, "shipment": Shipment, "return": Return}
    return {
        name: dict(session.execute(select(model.id, model.status)).tuples().all()) for name, model in tables.items()
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
