"""How parcels travel: each carrier and service has its own transit-time distribution and exception rate.

Transit times are log-normal (a long right tail, as real carrier data has). Exceptions carry a
sub-reason; most recover (delay, customs, failed attempt, damaged), a few do not (lost, returned
to sender). Scans are strictly increasing in time, so none of them is stale.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from core.seed.plans import Scan
from core.seed.reference import DELIVERED_MESSAGES, EXCEPTION_MESSAGES, EXCEPTION_WEIGHTS, HUBS, IN_TRANSIT_MESSAGES
from core.seed.stamps import DAY, HOUR
from core.seed.weighted import Weighted


@dataclass(frozen=True)
class Service:
    median_days: float
    sigma: float  # spread of log(transit time)
    promise_days: int  # what the carrier quotes as the estimated delivery
    exception_rate: float
    pickup_share: float  # deliveries that end at a pickup point


SERVICES: dict[tuple[str, int], Service] = {
    ("usps", 0): Service(3.4, 0.38, 5, 0.075, 0.04),
    ("usps", 1): Service(2.3, 0.30, 3, 0.06, 0.03),
    ("ups", 0): Service(3.0, 0.22, 4, 0.045, 0.02),
    ("ups", 1): Service(1.9, 0.12, 2, 0.03, 0.01),
    ("fedex", 0): Service(2.8, 0.26, 4, 0.05, 0.02),
    ("fedex", 1): Service(2.2, 0.18, 3, 0.035, 0.01),
    ("dhl", 0): Service(4.2, 0.30, 6, 0.09, 0.02),
}
_DOMESTIC = Weighted(tuple(EXCEPTION_WEIGHTS), [0 if r == "customs" else w for r, w in EXCEPTION_WEIGHTS.items()])
_INTERNATIONAL = Weighted(
    tuple(EXCEPTION_WEIGHTS), [w * (6 if r == "customs" else 1) for r, w in EXCEPTION_WEIGHTS.items()]
)
ETA_REVISION_SHARE = 0.05


@dataclass
class Transit:
    eta: int
    scans: list[Scan]
    first_scan: Scan | None
    delivered: int | None
    exception: str | None


def _day_at(t: int, hour_from: int, hour_to: int, rng: random.Random) -> int:
    """A time on ``t``'s UTC day between the given hours (US afternoons are UTC evenings)."""
    return t - t % DAY + hour_from * HOUR + int(rng.random() * (hour_to - hour_from) * HOUR)


class Journey:
    """Builds one parcel's scans, keeping them strictly later than the previous one."""

    def __init__(self, rng: random.Random, carrier: str, shipped: int, destination: str) -> None:
        self.rng, self.carrier, self.destination = rng, carrier, destination
        self.scans: list[Scan] = []
        self.last = shipped

    def add(
        self, t: int, status: str, where: str, message: str, reason: str | None = None, eta: int | None = None
    ) -> int:
        t = max(t, self.last + 60)
        self.scans.append(Scan(t, status, where, message, reason, eta))
        self.last = t
        return t

    def hub(self) -> str:
        hubs = HUBS[self.carrier]
        return hubs[int(self.rng.random() * len(hubs))]

    def deliver(self, day: int, pickup: bool) -> int:
        rng = self.rng
        if pickup:
            self.add(_day_at(day, 13, 20, rng), "available_for_pickup", self.destination, "Ready at a pickup point")
            later = day + rng.randrange(1, 4) * DAY
            return self.add(_day_at(later, 14, 23, rng), "delivered", self.destination, "Picked up")
        self.add(_day_at(day, 11, 14, rng), "out_for_delivery", self.destination, "Out for delivery")
        return self.add(_day_at(day, 15, 23, rng), "delivered", self.destination, rng.choice(DELIVERED_MESSAGES))


def _exception_reason(rng: random.Random, international: bool) -> str:
    return (_INTERNATIONAL if international else _DOMESTIC).pick(rng)


def _midway(journey: Journey, shipped: int, arrive: int) -> int:
    return max(journey.last + HOUR, shipped + int((arrive - shipped) * journey.rng.uniform(0.3, 0.6)))


def _exception(journey: Journey, reason: str, shipped: int, arrive: int, eta: int) -> int | None:
    """Play an exception; returns the new arrival time, or None when the parcel never arrives."""
    rng, message = journey.rng, EXCEPTION_MESSAGES[reason]
    if reason in ("failed_attempt", "returned_to_sender"):
        journey.add(_day_at(arrive, 11, 14, rng), "out_for_delivery", journey.destination, "Out for delivery")
        journey.add(_day_at(arrive, 15, 22, rng), "exception", journey.destination, message, reason)
        return arrive + DAY if reason == "failed_attempt" else None
    when = journey.add(_midway(journey, shipped, arrive), "exception", journey.hub(), message, reason)
    if reason == "lost":
        return None
    extra = rng.randrange(1, 4) * DAY
    if reason in ("delay", "customs"):
        journey.scans[-1].eta = _day_at(max(eta, arrive) + extra, 22, 23, rng)  # the carrier's revised estimate
    journey.add(when + rng.randrange(6, 30) * HOUR, "in_transit", journey.hub(), "Back in transit")
    return arrive + extra


def plan_transit(
    rng: random.Random, carrier: str, service_index: int, shipped: int, destination: str, international: bool
) -> Transit:
    """Scans from hand-over to delivery (or to the exception that ends the journey)."""
    service = SERVICES.get((carrier, service_index)) or SERVICES[(carrier, 0)]
    eta = _day_at(shipped + service.promise_days * DAY, 22, 23, rng)
    days = rng.lognormvariate(math.log(service.median_days), service.sigma)
    arrive = shipped + max(int(days * DAY), 18 * HOUR)
    journey = Journey(rng, carrier, shipped, destination)
    first = Scan(shipped, "in_transit", journey.hub(), "Picked up by carrier")
    if rng.random() < 0.35:
        journey.add(_midway(journey, shipped, arrive), "in_transit", journey.hub(), rng.choice(IN_TRANSIT_MESSAGES))
    reason = _exception_reason(rng, international) if rng.random() < service.exception_rate else None
    if reason is not None:
        arrival = _exception(journey, reason, shipped, arrive, eta)
        if arrival is None:
            return Transit(eta, journey.scans, first, None, reason)
        arrive = arrival
    elif arrive > eta + 2 * HOUR or rng.random() < ETA_REVISION_SHARE:
        revised = _day_at(arrive, 22, 23, rng) if arrive > eta else eta + DAY
        journey.add(
            _midway(journey, shipped, arrive), "in_transit", journey.hub(), "Revised delivery date", eta=revised
        )
        arrive = max(arrive, journey.last + HOUR)
    pickup_share = 0.3 if reason == "failed_attempt" else service.pickup_share
    delivered = journey.deliver(arrive, rng.random() < pickup_share)
    return Transit(eta, journey.scans, first, delivered, reason)
