"""What will happen to one demo order, decided up front; the executor then replays it through time.

Times are epoch seconds (UTC). Steps later than "now" are simply not applied, which is
what leaves the most recent orders in flight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.events.fact import Actor
from core.seed.catalog import VariantInfo
from core.seed.people import CustomerInfo


@dataclass(slots=True)
class Scan:
    """One carrier update, as ``core.services.tracking.CarrierScan`` would carry it."""

    t: int
    status: str
    location: str
    message: str
    reason: str | None = None
    eta: int | None = None


@dataclass(slots=True)
class ShipmentPlan:
    carrier: str
    service: str
    service_index: int
    items: list[tuple[int, int]]  # (line index, quantity)
    created: int
    eta: int | None
    shipped: int
    shipped_by_carrier: bool  # first carrier scan ships it (two events) rather than staff
    scans: list[Scan] = field(default_factory=list)
    first_scan: Scan | None = None  # the carrier scan that ships it, when shipped_by_carrier

    def delivered_at(self) -> int | None:
        return next((s.t for s in self.scans if s.status == "delivered"), None)


@dataclass(slots=True)
class ReturnItem:
    line: int  # line index
    quantity: int
    reason: str
    resolution: str  # refund | exchange
    exchange: VariantInfo | None = None
    condition: str = "resellable"


@dataclass(slots=True)
class ReturnPlan:
    requested: int
    items: list[ReturnItem]
    note: str | None = None
    decision: tuple[int, str, str] | None = None  # (t, approve|reject, reason) when staff review it
    cancelled: int | None = None
    in_transit: int | None = None
    received: int | None = None
    resolved: int | None = None
    exchange: ShipmentPlan | None = None
    closed: int | None = None


@dataclass(slots=True)
class LinePlan:
    variant: VariantInfo
    quantity: int
    discount_minor: int


@dataclass(slots=True)
class OrderPlan:
    placed: int
    customer: CustomerInfo
    new_customer: bool
    channel: str
    actor: Actor
    carrier: str
    lines: list[LinePlan]
    shipping_minor: int
    tax_minor: int
    fraud_score: int = 0
    note: str | None = None
    holds: list[tuple[str, str]] = field(default_factory=list)  # from core.policies.hold_reasons
    hold_decision: tuple[int, str, str] | None = None  # (t, release|cancel, reason)
    cancel: tuple[int, str] | None = None  # staff cancel after confirmation: (t, reason)
    processing: int | None = None
    shipments: list[ShipmentPlan] = field(default_factory=list)
    refund: tuple[int, int, str] | None = None  # goodwill refund: (t, amount, reason)
    returns: list[ReturnPlan] = field(default_factory=list)
    close: int | None = None
