"""Many carrier updates in one transaction: the batch form of ``tracking.record_scan``.

Each scan goes through the same rule as one sent alone (``core.domain.scans.apply``: the
stale-scan rule, the transition table, the event and whether it notifies). What differs is
only how rows travel: parcels that are already on their way are read once as plain rows,
and their events and column changes are written with one statement each. A scan that ships
a labelled parcel or delivers it changes lines and the order, so it runs on ORM objects
exactly as ``record_scan`` does. A scan that cannot apply is reported and skipped; the
others still go in. ``tests/integration/api/test_scan_batch.py`` proves the batch and the
one-by-one path leave the same projection and events.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import outbox
from core.clock import as_utc, utcnow
from core.domain import scans, shipping
from core.domain.scans import CarrierScan
from core.domain.unit import Gateway
from core.errors import DomainError
from core.events import rows
from core.events.fact import CARRIER, Act, Actor, Fact, Transitions
from core.lifecycle import ShipmentStatus
from core.models import Event, Order
from core.outbox import webhooks
from core.policies import PaymentPolicy
from core.services import scan_rows
from core.services.common import load_shipment_and_order
from core.services.unit import SessionUnit
from core.shop import Shop


class ScanOutcome(msgspec.Struct, omit_defaults=True, gc=False):
    """One scan's outcome; encoded as it is (``msgspec.json``), fields without a value left out."""

    index: int
    outcome: str  # recorded | duplicate | rejected
    event_id: int | None = None
    code: str | None = None
    field: str | None = None
    message: str | None = None


_LABEL_CREATED, _DELIVERED = ShipmentStatus.LABEL_CREATED.value, ShipmentStatus.DELIVERED.value
_NOTIFYING = outbox.NOTIFICATION_RULES


def _changed(row: scan_rows.ShipmentRow, before: tuple[Any, ...]) -> int:
    """Bits of ``scan_rows.SHIPMENT_COLUMNS`` a scan really changed: only those are written."""
    status, reason, last_scan_at, location, eta = before
    bits = scan_rows.STATUS if row.status != status else 0
    if row.exception_reason != reason:
        bits |= scan_rows.EXCEPTION_REASON
    if row.last_scan_at != last_scan_at:
        bits |= scan_rows.LAST_SCAN_AT
    if row.last_location != location:
        bits |= scan_rows.LAST_LOCATION
    if row.current_eta != eta:
        bits |= scan_rows.CURRENT_ETA
    return bits


class _Batch:
    """Shipment state, queued rows and outcomes of one batch, inside one transaction; it is the
    ``Unit`` the scan rule records into for parcels already on their way."""

    def __init__(self, session: Session, gateway: Gateway, actor: Actor, notify: bool, *, optimistic: bool = False) -> None:  # fmt: skip
        self.session, self.gateway, self.actor, self.notify = session, gateway, actor, notify
        self.payment_policy = PaymentPolicy()  # set by record_scans: a hand-over may capture
        self.optimistic = optimistic
        self.act = Act(actor, utcnow(), notify)  # each scan's event takes its own time (``scans.apply``)
        self.instant = scan_rows.instants(session)
        self.rows = rows.Rows(encode=scan_rows.payload_encoder(session))  # times arrive as instants
        self.now = self.instant(utcnow())  # one transaction, one "recorded at"
        self.seen: set[str] = set()
        self.shipments: dict[str, scan_rows.ShipmentRow] = {}
        self.events: list[tuple[Any, ...]] = []
        self.bumps: dict[int, int] = {}  # order id -> events for it, not yet written
        self.index = -1  # the scan being applied
        self.keys: dict[int, str] = {}  # scan index -> idempotency key of its event
        self.ids: dict[str, tuple[int, str]] = {}  # idempotency key -> (event id, type), as written
        self.notifying: list[str] = []
        self.endpoints = webhooks.live_endpoints(session)
        self.hooked: list[str] = []  # keys of events some webhook endpoint hears
        self.outcomes: dict[int, ScanOutcome] = {}  # scans not recorded

    def load(self, numbers: list[str], keys: list[str]) -> None:
        self.seen = scan_rows.known_keys(self.session, keys)
        unique = sorted(set(numbers))
        scan_rows.lock_owners(self.session, unique)
        self.shipments = scan_rows.load_shipments(self.session, unique)

    def apply(self, index: int, scan: CarrierScan, number: str, key: str | None) -> ScanOutcome | None:
        """Apply one scan, or say why it cannot apply (None: recorded, its outcome made in ``results``)."""
        if key is not None and key in self.seen:
            return ScanOutcome(index, "duplicate", message=f"event {key!r} was already recorded")
        row = self.shipments.get(number)
        if row is None:
            message = f"No shipment with tracking number {number}."
            return ScanOutcome(index, "rejected", field="tracking_number", message=message)
        self.index = index
        try:
            self._apply(scan, row, key)
        except DomainError as error:
            return ScanOutcome(index, "rejected", field=error.field or "status", message=error.message)
        if key is not None:
            self.seen.add(key)
        return None

    def _apply(self, scan: CarrierScan, row: scan_rows.ShipmentRow, key: str | None) -> None:
        when = self.instant(scan.occurred_at)
        eta = None if scan.eta is None else self.instant(scan.eta)
        verdict = scans.judge(row, scan.status, scan.exception_reason, when, eta)
        if row.status == _LABEL_CREATED or verdict.moves_to == _DELIVERED:  # lines and the order change too
            self._apply_in_orm(scan, row, key)
            return
        before = (row.status, row.exception_reason, row.last_scan_at, row.last_location, row.current_eta)
        scans.apply(self, self.act, None, row, scan, when=when, eta=eta, key=key, verdict=verdict)  # type: ignore[arg-type]
        row.changed |= _changed(row, before)

    def append(self, fact: Fact, act: Act, transitions: Transitions | None) -> None:
        """The event log of parcels on their way: rows queued, written by ``flush``."""
        row = self.rows.row(fact, act, transitions, self.now)
        self.events.append(row)
        self.bumps[fact.order_id] = self.bumps.get(fact.order_id, 0) + 1  # type: ignore[index]
        key = self.keys[self.index] = row[rows.KEY]
        if act.notify and fact.code in _NOTIFYING:
            self.notifying.append(key)
        if any(endpoint.hears(fact.code) for endpoint in self.endpoints):
            self.hooked.append(key)

    def _apply_in_orm(self, scan: CarrierScan, row: scan_rows.ShipmentRow, key: str | None) -> None:
        """Shipping or delivering: exactly ``record_scan``'s steps, on ORM objects."""
        self.flush()
        with self.session.begin_nested():  # a refused scan leaves no half-applied changes behind
            shipment, order = load_shipment_and_order(self.session, row.id)
            unit = SessionUnit(self.session, self.gateway, self.payment_policy)
            when = as_utc(scan.occurred_at)
            act = Act(self.actor, when, self.notify)
            if shipment.status == ShipmentStatus.LABEL_CREATED:
                shipping.hand_over(unit, act, order, shipment, carried=True)
            eta = None if scan.eta is None else as_utc(scan.eta)
            scans.apply(unit, act, order, shipment, scan, when=when, eta=eta, key=key)
        last = self.session.scalar(
            select(Event).where(Event.shipment_id == shipment.id).order_by(Event.id.desc()).limit(1)
        )
        self.shipments[row.tracking_number] = scan_rows.shipment_row(shipment, self.instant)
        self.session.expire_all()  # the bulk path writes without the ORM from here on
        if last is not None:
            self.keys[self.index] = last.idempotency_key
            self.ids[last.idempotency_key] = (last.id, last.type)

    def flush(self) -> None:
        """Write queued events, shipment changes and version bumps; then plan notifications."""
        ids = rows.insert_many(self.session, self.events, optimistic=self.optimistic)
        if ids is not None:
            self.ids.update({e[rows.KEY]: (i, e[rows.TYPE]) for e, i in zip(self.events, ids, strict=True)})
        changed = [row for row in self.shipments.values() if row.changed]
        scan_rows.update_shipments(self.session, changed)
        scan_rows.bump_orders(self.session, self.bumps, self.now)
        for row in changed:
            row.changed = 0
        self.events, self.bumps = [], {}
        for part in scan_rows.chunks(self.notifying):
            for event in self.session.scalars(select(Event).where(Event.idempotency_key.in_(part)).order_by(Event.id)):
                outbox.plan_in_session(self.session, event, self.session.get_one(Order, event.order_id))
        for part in scan_rows.chunks(self.hooked):
            for event in self.session.scalars(select(Event).where(Event.idempotency_key.in_(part)).order_by(Event.id)):
                webhooks.plan_in_session(self.session, event, self.endpoints)
        self.notifying, self.hooked = [], []

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


def _batch(session: Session, shop: Shop, actor: Actor, notify: bool, *, optimistic: bool = False) -> _Batch:
    batch = _Batch(session, shop.gateway, actor, notify, optimistic=optimistic)
    batch.payment_policy = shop.payment_policy
    return batch


def _optimistic_run(session: Session, shop: Shop, valid: Valid, actor: Actor, notify: bool) -> _Batch | None:
    """Most carrier events are new: on SQLite, write a big batch without looking its keys
    up first; if one was known after all, undo (savepoint) and let the caller redo it."""
    if len(valid) < _OPTIMISTIC_FROM or not scan_rows.is_sqlite(session):
        return None
    try:
        with session.begin_nested():
            return _run(_batch(session, shop, actor, notify, optimistic=True), valid, check_known=False)
    except (rows.KnownEvents, IntegrityError):
        session.expire_all()
        return None


def record_scans(
    shop: Shop, scans_in: list[CarrierScan], *, actor: Actor = CARRIER, notify: bool = True
) -> list[ScanOutcome]:
    """Apply ``scans_in`` in order in one transaction; one outcome per scan, same order."""
    outcomes: dict[int, ScanOutcome] = {}
    valid: Valid = []
    for index, scan in enumerate(scans_in):
        try:
            scans.validate(scan)
        except DomainError as error:
            outcomes[index] = ScanOutcome(index, "rejected", field=error.field, message=error.message)
            continue
        number = scan.tracking_number.strip().upper()
        valid.append((index, scan, number, scans.scan_key(number, scan)))
    with shop.db.write() as session:
        batch = _optimistic_run(session, shop, valid, actor, notify)
        if batch is None:  # a failed optimistic attempt's outcomes go with its batch
            batch = _run(_batch(session, shop, actor, notify), valid, check_known=True)
        outcomes |= batch.results()
    return [outcomes[i] for i in range(len(scans_in))]
