"""Many carrier updates in one transaction: the batch form of ``tracking.record_scan``.

Each scan follows ``record_scan``'s rules (validation, the duplicate guard, the stale-scan
rule, the transition table, the event and its notifications). Scans that only move a
parcel along (in transit, out for delivery, pickup, exception, new ETA) take the bulk path:
shipments are read once, events and projection changes are written with one statement
each. A scan that ships a labelled parcel or delivers it changes lines and the order, so it
runs ``record_scan``'s own steps on ORM objects. A scan that cannot apply is reported and
skipped; the others still go in. ``tests/integration/api/test_scan_batch.py`` proves the
batch and the one-by-one path leave the same projection and events.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import outbox
from core.catalogue import event_type
from core.clock import as_utc, utcnow
from core.errors import DomainError
from core.events import Actor
from core.lifecycle import ShipmentStatus, set_status
from core.models import Event, Order, Shipment
from core.services import scan_rows
from core.services.common import load_shipment_and_order
from core.services.fulfilment import ship_in_session
from core.services.tracking import CARRIER, CarrierScan, _apply, _scan_payload, _validate
from core.shop import Shop

_CHUNK = 500  # values per IN (...) list, well under every backend's parameter limit


@dataclass(frozen=True)
class ScanOutcome:
    index: int
    outcome: str  # recorded | duplicate | rejected
    event_id: int | None = None
    code: str | None = None
    field: str | None = None
    message: str | None = None


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _key(scan: CarrierScan, number: str) -> str | None:
    return f"carrier:{number}:{scan.external_id}" if scan.external_id else None


class _Batch:
    """Shipment state, queued rows and outcomes of one batch, inside one transaction."""

    def __init__(self, session: Session, actor: Actor, notify: bool) -> None:
        self.session, self.actor, self.notify = session, actor, notify
        self.seen: set[str] = set()
        self.shipments: dict[str, scan_rows.ShipmentRow] = {}
        self.events: list[dict[str, Any]] = []
        self.bumps: dict[int, tuple[int, datetime]] = {}
        self.keys: dict[int, str] = {}  # scan index -> idempotency key of its event
        self.notifying: list[str] = []

    def load(self, numbers: list[str], keys: list[str]) -> None:
        """Lock orders first, then their shipments: the lock order every service uses."""
        for part in _chunks(keys) if keys else []:
            self.seen.update(self.session.scalars(select(Event.idempotency_key).where(Event.idempotency_key.in_(part))))
        unique = sorted(set(numbers))
        if self.session.get_bind().dialect.name != "sqlite":  # SQLite writers are serialised already
            owners: set[int] = set()
            for part in _chunks(unique):
                owners.update(self.session.scalars(select(Shipment.order_id).where(Shipment.tracking_number.in_(part))))
            for ids in _chunks(sorted(owners)):
                self.session.execute(select(Order.id).where(Order.id.in_(ids)).order_by(Order.id).with_for_update())
        columns = [getattr(Shipment, name) for name in scan_rows.ShipmentRow.__dataclass_fields__ if name != "dirty"]
        for part in _chunks(unique):
            query = select(*columns).where(Shipment.tracking_number.in_(part)).order_by(Shipment.id).with_for_update()
            self.shipments.update(
                {row.tracking_number: scan_rows.ShipmentRow(*row) for row in self.session.execute(query)}
            )

    def apply(self, index: int, scan: CarrierScan, number: str) -> ScanOutcome:
        key = _key(scan, number)
        if key is not None and key in self.seen:
            return ScanOutcome(index, "duplicate", message=f"event {key!r} was already recorded")
        row = self.shipments.get(number)
        if row is None:
            message = f"No shipment with tracking number {number}."
            return ScanOutcome(index, "rejected", field="tracking_number", message=message)
        try:
            code = self._apply(index, scan, row, key)
        except DomainError as error:
            return ScanOutcome(index, "rejected", field=error.field or "status", message=error.message)
        if key is not None:
            self.seen.add(key)
        return ScanOutcome(index, "recorded", code=code)

    def _apply(self, index: int, scan: CarrierScan, row: scan_rows.ShipmentRow, key: str | None) -> str:
        when = as_utc(scan.occurred_at)
        stale = row.last_scan_at is not None and when < row.last_scan_at
        delivering = scan.status == ShipmentStatus.DELIVERED and scan.status != row.status and not stale
        if row.status == ShipmentStatus.LABEL_CREATED or delivering:
            return self._apply_in_orm(index, scan, row, key)
        return self._queue(index, scan, row, key, when, stale)

    def _queue(
        self, index: int, scan: CarrierScan, row: scan_rows.ShipmentRow, key: str | None, when: datetime, stale: bool
    ) -> str:
        """``tracking._apply`` for a parcel already on its way, as rows to write in bulk."""
        payload = _scan_payload(row, scan)  # type: ignore[arg-type]  (the row has the columns it reads)
        transitions: dict[str, tuple[str, str]] = {}
        eta_changed = scan.eta is not None and row.current_eta != as_utc(scan.eta)
        reason_changed = scan.status == ShipmentStatus.EXCEPTION and scan.exception_reason != row.exception_reason
        if not stale:
            if scan.status != row.status:
                transitions["shipment"] = set_status("shipment", row, scan.status)
            row.exception_reason = scan.exception_reason if scan.status == ShipmentStatus.EXCEPTION else None
            row.last_scan_at, row.last_location = when, (scan.location or "")[:120] or row.last_location
            if eta_changed:
                row.current_eta = as_utc(scan.eta)  # type: ignore[arg-type]
            row.dirty = True
        code = f"shipment.{scan.status}"
        if not transitions and eta_changed and not stale and not reason_changed:
            code = "shipment.eta_changed"
        notify = self.notify and not stale and bool(transitions or reason_changed or code == "shipment.eta_changed")
        self._event_row(index, code, row, when, payload | {"stale": stale}, transitions, key, notify)
        return code

    def _event_row(self, index: int, code: str, row: scan_rows.ShipmentRow, when: datetime, payload: dict[str, Any],
                   transitions: dict[str, tuple[str, str]], key: str | None, notify: bool) -> None:  # fmt: skip
        """The row ``core.events.append_event`` would write, and the same version bump."""
        now = utcnow()
        if transitions:
            payload["transitions"] = {name: list(change) for name, change in transitions.items()}
        key = key or f"{code}:{uuid.uuid4().hex}"
        self.events.append(
            {
                "type": code,
                "order_id": row.order_id,
                "shipment_id": row.id,
                "occurred_at": when,
                "recorded_at": now,
                "actor_type": self.actor.type,
                "actor_id": self.actor.id,
                "visibility": event_type(code).visibility.value,
                "payload": payload,
                "idempotency_key": key,
                "notify": notify,
            }
        )
        self.bumps[row.order_id] = (self.bumps.get(row.order_id, (0, now))[0] + 1, now)
        self.keys[index] = key
        if notify:
            self.notifying.append(key)

    def _apply_in_orm(self, index: int, scan: CarrierScan, row: scan_rows.ShipmentRow, key: str | None) -> str:
        """Shipping or delivering: exactly ``record_scan``'s steps, on ORM objects."""
        self.flush()
        with self.session.begin_nested():  # a refused scan leaves no half-applied changes behind
            shipment, order = load_shipment_and_order(self.session, row.id)
            if shipment.status == ShipmentStatus.LABEL_CREATED:
                when = scan.occurred_at
                ship_in_session(self.session, order, shipment, actor=self.actor, notify=self.notify, occurred_at=when)
            _apply(self.session, order, shipment, scan, self.actor, self.notify, key)
        last = self.session.scalar(
            select(Event).where(Event.shipment_id == shipment.id).order_by(Event.id.desc()).limit(1)
        )
        self.shipments[row.tracking_number] = scan_rows.shipment_row(shipment)
        self.session.expire_all()  # the bulk path writes without the ORM from here on
        if last is not None:
            self.keys[index] = last.idempotency_key
            return last.type
        return f"shipment.{scan.status}"

    def flush(self) -> None:
        """Write queued events, shipment changes and version bumps; then plan notifications."""
        scan_rows.insert_events(self.session, self.events)
        dirty = [row for row in self.shipments.values() if row.dirty]
        scan_rows.update_shipments(self.session, dirty)
        scan_rows.bump_orders(self.session, self.bumps)
        for row in dirty:
            row.dirty = False
        self.events, self.bumps = [], {}
        for part in _chunks(self.notifying):
            for event in self.session.scalars(select(Event).where(Event.idempotency_key.in_(part)).order_by(Event.id)):
                outbox.plan_notifications(self.session, event, self.session.get_one(Order, event.order_id))
        self.notifying = []

    def event_ids(self) -> dict[int, tuple[int, str]]:
        found: dict[str, tuple[int, str]] = {}
        for part in _chunks(list(self.keys.values())):
            query = select(Event.idempotency_key, Event.id, Event.type).where(Event.idempotency_key.in_(part))
            found.update({k: (i, t) for k, i, t in self.session.execute(query)})
        return {index: found[key] for index, key in self.keys.items() if key in found}


def record_scans(
    shop: Shop, scans: list[CarrierScan], *, actor: Actor = CARRIER, notify: bool = True
) -> list[ScanOutcome]:
    """Apply ``scans`` in order in one transaction; one outcome per scan, same order."""
    outcomes: dict[int, ScanOutcome] = {}
    valid: list[tuple[int, CarrierScan, str]] = []
    for index, scan in enumerate(scans):
        try:
            _validate(scan)
        except DomainError as error:
            outcomes[index] = ScanOutcome(index, "rejected", field=error.field, message=error.message)
            continue
        valid.append((index, scan, scan.tracking_number.strip().upper()))
    with shop.db.write() as session:
        batch = _Batch(session, actor, notify)
        keys = [k for _, scan, number in valid if (k := _key(scan, number)) is not None]
        batch.load([number for _, _, number in valid], keys)
        for index, scan, number in valid:
            outcomes[index] = batch.apply(index, scan, number)
        batch.flush()
        ids = batch.event_ids()
    return [_with_id(outcomes[i], ids) for i in range(len(scans))]


def _with_id(outcome: ScanOutcome, ids: dict[int, tuple[int, str]]) -> ScanOutcome:
    if outcome.outcome != "recorded" or outcome.index not in ids:
        return outcome
    event_id, code = ids[outcome.index]
    return ScanOutcome(outcome.index, "recorded", event_id, code)
