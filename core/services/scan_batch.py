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
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import outbox
from core.clock import utcnow
from core.errors import DomainError
from core.events.catalogue import event_type
from core.events.log import Actor
from core.lifecycle import ShipmentStatus, set_status
from core.models import Event, Order
from core.services import scan_rows
from core.services.common import load_shipment_and_order
from core.services.fulfilment import ship_in_session, shipment_payload
from core.services.tracking import CARRIER, CarrierScan, _apply, _validate, add_scan_details
from core.shop import Shop


@dataclass(slots=True)
class ScanOutcome:
    index: int
    outcome: str  # recorded | duplicate | rejected
    event_id: int | None = None
    code: str | None = None
    field: str | None = None
    message: str | None = None

    def as_json(self) -> dict[str, object]:
        """The outcome as the API reports it: fields without a value are left out."""
        if self.event_id is not None and self.field is None and self.message is None:  # recorded: most of them
            return {"index": self.index, "outcome": self.outcome, "event_id": self.event_id, "code": self.code}
        found = {"index": self.index, "outcome": self.outcome, "event_id": self.event_id, "code": self.code}
        found |= {"field": self.field, "message": self.message}
        return {name: value for name, value in found.items() if value is not None}


# Plain strings: comparing with them is a third of the cost of an enum member lookup, per scan.
_LABEL_CREATED, _DELIVERED = ShipmentStatus.LABEL_CREATED.value, ShipmentStatus.DELIVERED.value
_EXCEPTION = ShipmentStatus.EXCEPTION.value
_CODES = {status.value: f"shipment.{status.value}" for status in ShipmentStatus}  # formatted once, not per scan


def _key(scan: CarrierScan, number: str) -> str | None:
    return f"carrier:{number}:{scan.external_id}" if scan.external_id else None


@cache
def _visibility(code: str) -> str:
    return event_type(code).visibility.value


def _move_along(
    row: scan_rows.ShipmentRow, scan: CarrierScan, when: scan_rows.Instant, eta: scan_rows.Instant | None, moved: bool
) -> None:
    """A current scan's changes to the parcel's columns, noting which ones really change (a scan
    without an ETA keeps the one the parcel has)."""
    changed = scan_rows.STATUS if moved else 0
    reason = scan.exception_reason if scan.status == _EXCEPTION else None
    location = (scan.location or "")[:120] or row.last_location
    if reason != row.exception_reason:
        row.exception_reason, changed = reason, changed | scan_rows.EXCEPTION_REASON
    if when != row.last_scan_at:
        row.last_scan_at, changed = when, changed | scan_rows.LAST_SCAN_AT
    if location != row.last_location:
        row.last_location, changed = location, changed | scan_rows.LAST_LOCATION
    if eta is not None and eta != row.current_eta:
        row.current_eta, changed = eta, changed | scan_rows.CURRENT_ETA
    row.changed |= changed


class _Batch:
    """Shipment state, queued rows and outcomes of one batch, inside one transaction."""

    def __init__(self, session: Session, actor: Actor, notify: bool, *, optimistic: bool = False) -> None:
        self.session, self.actor, self.notify, self.optimistic = session, actor, notify, optimistic
        self.by = (actor.type, actor.id)
        self.instant, self.encode = scan_rows.instants(session), scan_rows.payload_encoder(session)
        self.now = self.instant(utcnow())  # one transaction, one "recorded at"
        self.seen: set[str] = set()
        self.shipments: dict[str, scan_rows.ShipmentRow] = {}
        self.events: list[tuple[Any, ...]] = []
        self.bumps: dict[int, int] = {}  # order id -> events for it, not yet written
        self.keys: dict[int, str] = {}  # scan index -> idempotency key of its event
        self.ids: dict[str, tuple[int, str]] = {}  # idempotency key -> (event id, type), as written
        self.notifying: list[str] = []
        self.outcomes: dict[int, ScanOutcome] = {}  # scans not recorded, and recorded ones without an event

    def load(self, numbers: list[str], keys: list[str]) -> None:
        self.seen = scan_rows.known_keys(self.session, keys)
        unique = sorted(set(numbers))
        scan_rows.lock_owners(self.session, unique)
        self.shipments = scan_rows.load_shipments(self.session, unique)

    def apply(self, index: int, scan: CarrierScan, number: str, key: str | None) -> ScanOutcome | None:
        """Apply one scan, or say why it cannot apply. None when its event is queued or written:
        that outcome is made once the event's id is known (``results``)."""
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
        return None if index in self.keys else ScanOutcome(index, "recorded", None, code)

    def _apply(self, index: int, scan: CarrierScan, row: scan_rows.ShipmentRow, key: str | None) -> str:
        when = self.instant(scan.occurred_at)
        stale = row.last_scan_at is not None and when < row.last_scan_at
        if row.status == _LABEL_CREATED or (scan.status == _DELIVERED != row.status and not stale):
            return self._apply_in_orm(index, scan, row, key)
        return self._queue(index, scan, row, key, when, stale)

    def _queue(self, index: int, scan: CarrierScan, row: scan_rows.ShipmentRow, key: str | None,
               when: scan_rows.Instant, stale: bool) -> str:  # fmt: skip
        """``tracking._apply`` for a parcel already on its way, as rows to write in bulk."""
        payload = add_scan_details(shipment_payload(row), scan)  # type: ignore[arg-type]  (duck-typed)
        payload["stale"] = stale
        status, exception = scan.status, scan.status == _EXCEPTION
        eta = None if scan.eta is None else self.instant(scan.eta)
        eta_changed = eta is not None and row.current_eta != eta
        reason_changed = exception and scan.exception_reason != row.exception_reason
        moved = not stale and status != row.status
        if moved:
            payload["transitions"] = {"shipment": list(set_status("shipment", row, status))}
        if not stale:
            _move_along(row, scan, when, eta, moved)
        code = "shipment.eta_changed" if eta_changed and not (moved or stale or reason_changed) else _CODES[status]
        notify = self.notify and not stale and (moved or reason_changed or code == "shipment.eta_changed")
        self._event_row(index, code, row, when, payload, key, notify)
        return code

    def _event_row(self, index: int, code: str, row: scan_rows.ShipmentRow, when: scan_rows.Instant,
                   payload: dict[str, Any], key: str | None, notify: bool) -> None:  # fmt: skip
        """The row ``core.events.append_event`` would write, and the same version bump."""
        key = key or f"{code}:{uuid.uuid4().hex}"
        self.events.append(
            scan_rows.event_row(
                code, row, when, self.now, self.by, _visibility(code), self.encode(payload), key, notify
            )
        )
        self.bumps[row.order_id] = self.bumps.get(row.order_id, 0) + 1
        self.keys[index] = key
        if notify and code in outbox.NOTIFICATION_RULES:
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
        self.shipments[row.tracking_number] = scan_rows.shipment_row(shipment, self.instant)
        self.session.expire_all()  # the bulk path writes without the ORM from here on
        if last is not None:
            self.keys[index] = last.idempotency_key
            self.ids[last.idempotency_key] = (last.id, last.type)
            return last.type
        return _CODES[scan.status]

    def flush(self) -> None:
        """Write queued events, shipment changes and version bumps; then plan notifications."""
        ids = scan_rows.insert_events(self.session, self.events, optimistic=self.optimistic)
        if ids is not None:  # rows are in EVENT_COLUMNS order: [9] is the key, [0] the type
            self.ids.update({e[9]: (i, e[0]) for e, i in zip(self.events, ids, strict=True)})
        changed = [row for row in self.shipments.values() if row.changed]
        scan_rows.update_shipments(self.session, changed)
        scan_rows.bump_orders(self.session, self.bumps, self.now)
        for row in changed:
            row.changed = 0
        self.events, self.bumps = [], {}
        for part in scan_rows.chunks(self.notifying):
            for event in self.session.scalars(select(Event).where(Event.idempotency_key.in_(part)).order_by(Event.id)):
                outbox.plan_notifications(self.session, event, self.session.get_one(Order, event.order_id))
        self.notifying = []

    def results(self) -> dict[int, ScanOutcome]:
        """Every scan's outcome; a recorded one with its event's id and type (events written in
        this transaction are always found)."""
        missing = [key for key in self.keys.values() if key not in self.ids]
        if missing:
            self.ids.update(scan_rows.event_ids(self.session, missing))
        ids = self.ids  # positional outcomes: a third cheaper, per scan
        return self.outcomes | {index: ScanOutcome(index, "recorded", *ids[key]) for index, key in self.keys.items()}


Valid = list[tuple[int, CarrierScan, str, str | None]]  # index, scan, tracking number, event key
_OPTIMISTIC_FROM = 20  # below this a savepoint costs more than the duplicate check it saves


def _run(batch: _Batch, valid: Valid, *, check_known: bool) -> _Batch:
    known = [key for *_, key in valid if key is not None] if check_known else []
    batch.load([number for _, _, number, _ in valid], known)
    for index, scan, number, key in valid:
        outcome = batch.apply(index, scan, number, key)
        if outcome is not None:
            batch.outcomes[index] = outcome
    batch.flush()
    return batch


def _optimistic_run(session: Session, valid: Valid, actor: Actor, notify: bool) -> _Batch | None:
    """Most carrier events are new: on SQLite, write a big batch without looking its keys
    up first; if one was known after all, undo (savepoint) and let the caller redo it."""
    if len(valid) < _OPTIMISTIC_FROM or not scan_rows.is_sqlite(session):
        return None
    try:
        with session.begin_nested():
            return _run(_Batch(session, actor, notify, optimistic=True), valid, check_known=False)
    except (scan_rows.KnownEvents, IntegrityError):
        session.expire_all()
        return None


def record_scans(
    shop: Shop, scans: list[CarrierScan], *, actor: Actor = CARRIER, notify: bool = True
) -> list[ScanOutcome]:
    """Apply ``scans`` in order in one transaction; one outcome per scan, same order."""
    outcomes: dict[int, ScanOutcome] = {}
    valid: Valid = []
    for index, scan in enumerate(scans):
        try:
            _validate(scan)
        except DomainError as error:
            outcomes[index] = ScanOutcome(index, "rejected", field=error.field, message=error.message)
            continue
        number = scan.tracking_number.strip().upper()
        valid.append((index, scan, number, _key(scan, number)))
    with shop.db.write() as session:
        batch = _optimistic_run(session, valid, actor, notify)
        if batch is None:  # a failed optimistic attempt's outcomes go with its batch
            batch = _run(_Batch(session, actor, notify), valid, check_known=True)
        outcomes |= batch.results()
    return [outcomes[i] for i in range(len(scans))]
