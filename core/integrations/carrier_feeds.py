"""Carrier tracking feeds (EasyPost, AfterShip) mapped to Shiplog shipment statuses.

Each table maps the feed's status (and sub-status) to a ``ShipmentStatus`` and, for an
exception, an ``ExceptionReason``. ``None`` means "nothing to record" (label-only steps,
feed errors). docs/integrations.md has the same tables in prose; a unit test keeps them
in step with the enums.
"""

from __future__ import annotations

import hashlib
from typing import Any

from core.domain.scans import CarrierScan
from core.integrations.common import parse_time, text
from core.lifecycle import ExceptionReason, ShipmentStatus

_S, _E = ShipmentStatus, ExceptionReason
Mapped = tuple[str, str | None] | None

# EasyPost Tracker / TrackingDetail ``status``.
EASYPOST_STATUS: dict[str, Mapped] = {
    "unknown": None,
    "pre_transit": None,  # label created, not yet with the carrier
    "in_transit": (_S.IN_TRANSIT, None),
    "out_for_delivery": (_S.OUT_FOR_DELIVERY, None),
    "available_for_pickup": (_S.AVAILABLE_FOR_PICKUP, None),
    "delivered": (_S.DELIVERED, None),
    "return_to_sender": (_S.EXCEPTION, _E.RETURNED_TO_SENDER),
    "failure": (_S.EXCEPTION, _E.FAILED_ATTEMPT),
    "cancelled": None,  # the label was voided; staff cancel shipments themselves
    "error": None,  # EasyPost could not track the number
}

# EasyPost ``status_detail`` that refines (or turns into) an exception.
EASYPOST_DETAIL_REASON: dict[str, str] = {
    "damaged": _E.DAMAGED,
    "lost": _E.LOST,
    "delayed": _E.DELAY,
    "weather_delay": _E.DELAY,
    "transit_exception": _E.DELAY,
    "failed_attempt": _E.FAILED_ATTEMPT,
    "delivery_exception": _E.FAILED_ATTEMPT,
    "refused": _E.RETURNED_TO_SENDER,
    "return_to_sender": _E.RETURNED_TO_SENDER,
    "address_correction": _E.FAILED_ATTEMPT,
    "held": _E.CUSTOMS,
}

# AfterShip ``tag`` (delivery status).
AFTERSHIP_TAG: dict[str, Mapped] = {
    "Pending": None,
    "InfoReceived": None,
    "InTransit": (_S.IN_TRANSIT, None),
    "OutForDelivery": (_S.OUT_FOR_DELIVERY, None),
    "AvailableForPickup": (_S.AVAILABLE_FOR_PICKUP, None),
    "Delivered": (_S.DELIVERED, None),
    "AttemptFail": (_S.EXCEPTION, _E.FAILED_ATTEMPT),
    "Exception": (_S.EXCEPTION, _E.DELAY),  # refined by the subtag below
    "Expired": None,  # no news for 30 days: nothing happened to record
}

# AfterShip ``subtag`` of an Exception.
AFTERSHIP_SUBTAG_REASON: dict[str, str] = {
    "Exception_002": _E.FAILED_ATTEMPT,  # customer moved
    "Exception_003": _E.FAILED_ATTEMPT,  # customer refused delivery
    "Exception_004": _E.CUSTOMS,  # delayed: customs clearance
    "Exception_005": _E.DELAY,  # delayed: external factors
    "Exception_006": _E.CUSTOMS,  # held for payment (duties)
    "Exception_007": _E.FAILED_ATTEMPT,  # incorrect address
    "Exception_008": _E.FAILED_ATTEMPT,  # pick-up missed
    "Exception_009": _E.RETURNED_TO_SENDER,  # rejected by carrier
    "Exception_010": _E.RETURNED_TO_SENDER,  # returning to sender
    "Exception_011": _E.RETURNED_TO_SENDER,  # returned to sender
    "Exception_012": _E.DAMAGED,  # shipment damaged
    "Exception_013": _E.LOST,  # shipment lost
}


def easypost_map(status: str, detail: str) -> Mapped:
    mapped = EASYPOST_STATUS.get(status)
    reason = EASYPOST_DETAIL_REASON.get(detail)
    if mapped is None:
        return None
    if mapped[0] == _S.EXCEPTION or (mapped[0] == _S.IN_TRANSIT and reason in {_E.DELAY, _E.DAMAGED, _E.LOST}):
        return (_S.EXCEPTION, reason or mapped[1])
    return mapped


def aftership_map(tag: str, subtag: str) -> Mapped:
    mapped = AFTERSHIP_TAG.get(tag)
    if mapped is None or mapped[0] != _S.EXCEPTION:
        return mapped
    return (_S.EXCEPTION, AFTERSHIP_SUBTAG_REASON.get(subtag, mapped[1]))


def _checkpoint_id(prefix: str, *parts: object) -> str:
    """Feeds resend the whole history each time: a checkpoint's content is its identity."""
    digest = hashlib.sha256("|".join(text(p, 300) for p in parts).encode()).hexdigest()[:24]
    return f"{prefix}-{digest}"


def _location(raw: object, keys: tuple[str, ...]) -> str | None:
    if isinstance(raw, dict):
        found = ", ".join(text(raw.get(k), 60) for k in keys if text(raw.get(k)))
        return found or None
    return text(raw, 120) or None


def easypost_scans(event: dict[str, Any]) -> list[CarrierScan]:
    """Every mappable tracking detail of a ``tracker.updated`` event, oldest first."""
    tracker = event.get("result") if isinstance(event.get("result"), dict) else {}
    number = text(tracker.get("tracking_code"), 64)
    eta = parse_time(tracker.get("est_delivery_date"))
    scans = []
    for detail in tracker.get("tracking_details") or []:
        if not isinstance(detail, dict):
            continue
        mapped = easypost_map(text(detail.get("status")), text(detail.get("status_detail")))
        when = parse_time(detail.get("datetime"))
        if mapped is None or when is None or not number:
            continue
        scans.append(
            CarrierScan(
                tracking_number=number,
                status=mapped[0],
                occurred_at=when,
                location=_location(detail.get("tracking_location"), ("city", "state", "country")),
                message=text(detail.get("message"), 300) or None,
                exception_reason=mapped[1],
                eta=eta,
                external_id=_checkpoint_id(
                    "easypost", detail.get("datetime"), detail.get("status"), detail.get("message")
                ),
            )
        )
    return _with_summary(
        scans, easypost_map(text(tracker.get("status")), text(tracker.get("status_detail"))), number, event, eta
    )


def aftership_scans(body: dict[str, Any]) -> list[CarrierScan]:
    """Every mappable checkpoint of a ``tracking_update``, oldest first."""
    msg = body.get("msg") if isinstance(body.get("msg"), dict) else {}
    number = text(msg.get("tracking_number"), 64)
    eta = parse_time(msg.get("expected_delivery"))
    scans = []
    for point in msg.get("checkpoints") or []:
        if not isinstance(point, dict):
            continue
        mapped = aftership_map(text(point.get("tag")), text(point.get("subtag")))
        when = parse_time(point.get("checkpoint_time"))
        if mapped is None or when is None or not number:
            continue
        scans.append(
            CarrierScan(
                tracking_number=number,
                status=mapped[0],
                occurred_at=when,
                location=text(point.get("location"), 120) or _location(point, ("city", "state", "country_iso3")),
                message=text(point.get("message"), 300) or None,
                exception_reason=mapped[1],
                eta=eta,
                external_id=_checkpoint_id(
                    "aftership", point.get("checkpoint_time"), point.get("tag"), point.get("message")
                ),
            )
        )
    return _with_summary(scans, aftership_map(text(msg.get("tag")), text(msg.get("subtag"))), number, body, eta)


def _with_summary(
    scans: list[CarrierScan], current: Mapped, number: str, body: dict[str, Any], eta: object
) -> list[CarrierScan]:
    """Without checkpoints, the feed's current status is the one scan (keyed by the event id)."""
    if scans or current is None or not number:
        return sorted(scans, key=lambda s: s.occurred_at)
    when = parse_time(body.get("updated_at") or body.get("created_at") or body.get("ts"))
    if when is None:
        return []
    event_id = text(body.get("id") or body.get("event_id"), 80)
    return [CarrierScan(number, current[0], when, exception_reason=current[1], eta=eta, external_id=event_id or None)]  # type: ignore[arg-type]
