"""When a parcel arrives, as every page and message says it: one rule, so a status and its date never disagree.

* delivered: the day it was delivered, and no estimate any more;
* out for delivery (the carrier's scan of today, in the shop's time zone): today, whatever older
  estimate the carrier gave;
* ready for pickup or cancelled: no delivery day;
* otherwise the carrier's current estimate, or "running late" once that day has passed.

Relative day words ("today", "tomorrow", "yesterday") are worked out here too, against the moment
of reading in the shop's time zone, never stored: an event of yesterday never says "today".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from core.clock import zone

DELIVERED, EXPECTED, LATE = "delivered", "expected", "late"
OUT_FOR_DELIVERY = "shipment.out_for_delivery"
_NO_DAY = frozenset({"available_for_pickup", "cancelled"})


def local_day(moment: datetime, zone_name: str) -> date:
    return moment.astimezone(zone(zone_name)).date()


def day_word(day: date, today: date) -> str | None:
    """ "today", "tomorrow" or "yesterday" for ``day`` seen on ``today``; None for any other day."""
    return {0: "today", 1: "tomorrow", -1: "yesterday"}.get((day - today).days)


@dataclass(frozen=True)
class Arrival:
    state: str  # delivered | expected | late
    day: date  # in the shop's time zone: delivered on, expected on, or was due on
    at: datetime | None = None  # the moment of delivery


def arrival(
    status: str,
    *,
    delivered_at: datetime | None,
    current_eta: datetime | None,
    out_for_delivery_at: datetime | None,
    now: datetime,
    zone_name: str,
) -> Arrival | None:
    """What the parcel's page says about its arrival (None: nothing to say)."""
    if status == DELIVERED:
        return Arrival(DELIVERED, local_day(delivered_at or now, zone_name), delivered_at)
    if status in _NO_DAY:
        return None
    today = local_day(now, zone_name)
    went_out_today = out_for_delivery_at is not None and local_day(out_for_delivery_at, zone_name) == today
    if status == "out_for_delivery" and went_out_today:
        return Arrival(EXPECTED, today)
    if current_eta is None:
        return None
    due = local_day(current_eta, zone_name)
    return Arrival(EXPECTED if due >= today else LATE, due)


def first_estimate(original_eta: datetime | None, shown: Arrival | None, zone_name: str) -> date | None:
    """The carrier's first estimate, when it is worth showing crossed out next to the day shown now."""
    if original_eta is None or shown is None or shown.state == DELIVERED:
        return None
    first = local_day(original_eta, zone_name)
    return None if first == shown.day else first


class _Entry(Protocol):
    code: str
    occurred_at: datetime


class _Parcel(Protocol):
    status: str
    delivered_at: datetime | None
    current_eta: datetime | None

    @property
    def timeline(self) -> Sequence[_Entry]: ...


def parcel_arrival(parcel: _Parcel, *, now: datetime, zone_name: str) -> Arrival | None:
    """``arrival`` for a parcel as a page reads it (its timeline says when it went out for delivery)."""
    went_out = next((e.occurred_at for e in reversed(parcel.timeline) if e.code == OUT_FOR_DELIVERY), None)
    return arrival(
        parcel.status,
        delivered_at=parcel.delivered_at,
        current_eta=parcel.current_eta,
        out_for_delivery_at=went_out,
        now=now,
        zone_name=zone_name,
    )
