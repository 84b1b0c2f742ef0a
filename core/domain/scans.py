"""Carrier scans: what one scan does to a parcel, decided once (``judge``) and applied once (``apply``).

The one-at-a-time path (``core.services.tracking``), the batch path (``core.services.scan_batch``)
and the demo seed all call ``apply``. Times may be aware datetimes or, in the batch path on
SQLite, the text SQLite stores: both compare in time order, so the rules read the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core import characters
from core.domain.shipping import deliver
from core.domain.unit import Unit
from core.errors import ValidationFailed
from core.events.fact import Act
from core.events.shipments import SCANNED, Parcel
from core.lifecycle import ExceptionReason, Move, ShipmentStatus, record
from core.models import Order

SCAN_STATUSES = frozenset(s.value for s in ShipmentStatus) - {ShipmentStatus.LABEL_CREATED, ShipmentStatus.CANCELLED}
_REASONS = frozenset(r.value for r in ExceptionReason)
# Plain strings: comparing with them costs a third of an enum member lookup, per scan.
_EXCEPTION, _DELIVERED = ShipmentStatus.EXCEPTION.value, ShipmentStatus.DELIVERED.value
_CODES = {status: f"shipment.{status}" for status in SCAN_STATUSES}
ETA_CHANGED = "shipment.eta_changed"


@dataclass(slots=True)  # not frozen: a batch builds up to 1000 and frozen init costs 4x; never mutated
class CarrierScan:
    tracking_number: str
    status: str  # a ShipmentStatus value other than label_created / cancelled
    occurred_at: datetime
    location: str | None = None
    message: str | None = None
    exception_reason: str | None = None
    eta: datetime | None = None
    external_id: str | None = None  # the carrier's own event id, for deduplication


def validate(scan: CarrierScan) -> None:
    if scan.external_id is not None and not 0 < len(scan.external_id) <= 120:
        raise ValidationFailed("A carrier event id has 1 to 120 characters.", field="external_id")
    if characters.refused(f"{scan.external_id or ''}{scan.location or ''}{scan.message or ''}"):  # one pass a scan
        for name in ("external_id", "location", "message"):
            characters.check(getattr(scan, name) or "", name)
    if scan.status not in SCAN_STATUSES:
        raise ValidationFailed(f"Unknown tracking status {scan.status!r}.", field="status")
    if scan.status == _EXCEPTION and scan.exception_reason not in _REASONS:
        raise ValidationFailed(
            "An exception needs a reason: " + ", ".join(r.value for r in ExceptionReason), field="exception_reason"
        )


def scan_key(number: str, scan: CarrierScan) -> str | None:
    """The idempotency key of a scan the carrier named: the same carrier event is recorded once."""
    return f"carrier:{number}:{scan.external_id}" if scan.external_id else None


class Tracked(Parcel, Protocol):
    """A parcel as a scan reads and changes it (a ``Shipment``, or the batch path's row of one)."""

    status: str
    exception_reason: str | None
    last_scan_at: Any
    last_location: str | None
    current_eta: Any


@dataclass(slots=True)  # never changed once made; not frozen for speed, as ``core.events.fact.Act``
class Verdict:
    code: str  # the event to record
    moves_to: str | None  # the parcel's new status, if it changes
    stale: bool  # older than the newest scan applied: joins the timeline, changes nothing
    eta_changed: bool
    news: bool  # worth a message (moved, a new exception reason, or a new ETA)


def judge(parcel: Tracked, status: str, reason: str | None, when: Any, eta: Any) -> Verdict:
    """What a scan at ``when`` with ``status`` (and ``reason``, ``eta``) does to ``parcel``."""
    stale = parcel.last_scan_at is not None and when < parcel.last_scan_at
    eta_changed = eta is not None and parcel.current_eta != eta
    # A new exception sub-reason (a delay that became "lost") is news for the customer.
    reason_changed = status == _EXCEPTION and reason != parcel.exception_reason
    moved = not stale and status != parcel.status
    quiet_eta = eta_changed and not (moved or stale or reason_changed)
    code = ETA_CHANGED if quiet_eta else _CODES[status]
    return Verdict(
        code, status if moved else None, stale, eta_changed, not stale and (moved or reason_changed or quiet_eta)
    )


def apply(
    unit: Unit, act: Act, order: Order | None, parcel: Tracked, scan: CarrierScan, *, when: Any, eta: Any,
    key: str | None, verdict: Verdict | None = None,
) -> Verdict:  # fmt: skip
    """Apply ``scan`` (at ``when``, with ``eta``, in the parcel's time form) and record its event;
    ``verdict`` is ``judge``'s, when the caller needed it first.

    ``order`` is needed only when the scan delivers an outbound parcel."""
    if verdict is None:
        verdict = judge(parcel, scan.status, scan.exception_reason, when, eta)
    fact = SCANNED[verdict.code](shipment=parcel, scan=scan, stale=verdict.stale, key=key)
    moves: list[Move] = []
    if not verdict.stale:
        if verdict.moves_to is not None:
            moves.append(Move("shipment", parcel, verdict.moves_to))
            if verdict.moves_to == _DELIVERED:
                moves += deliver(order, parcel, when)  # type: ignore[arg-type]
        parcel.exception_reason = scan.exception_reason if scan.status == _EXCEPTION else None
        parcel.last_scan_at = when
        parcel.last_location = (scan.location or "")[:120] or parcel.last_location
        if verdict.eta_changed:
            parcel.current_eta = eta
    record(unit, Act(act.actor, when, act.notify and verdict.news, act.recorded_at), fact, *moves)
    return verdict
