"""In-memory aggregates the generator moves through their lifecycle, and the rows they become.

They mirror the models in ``core.models`` field for field; ``row()`` returns a tuple in
the column order of ``core.seed.tables.COLUMNS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.lifecycle import TRANSITIONS, check_transition
from core.money import paid_unit_minor
from core.seed.catalog import VariantInfo
from core.seed.plans import OrderPlan
from core.seed.stamps import Stamps


class HasStatus:
    status: str


class GeneratorBug(RuntimeError):
    """The generator tried something the services would refuse: a bug in the seed, never in the data."""


def move(aggregate: str, entity: HasStatus, target: str) -> list[str]:
    """``core.lifecycle.set_status`` for the generator: checked against the same tables."""
    current = entity.status
    if target not in TRANSITIONS[aggregate].get(current, ()):
        check_transition(aggregate, current, target)  # raises IllegalTransition with the reason
    entity.status = target = str(target)  # plain text: rows travel between processes with marshal
    return [current, target]


@dataclass(slots=True, eq=False)
class SimLine:
    id: int
    variant: VariantInfo
    quantity: int
    discount_minor: int
    shipped: int = 0
    delivered: int = 0
    returning: int = 0
    returned: int = 0

    @property
    def paid_unit_minor(self) -> int:
        return paid_unit_minor(self.variant.price_minor, self.quantity, self.discount_minor)

    def row(self, order_id: int) -> tuple[object, ...]:
        v = self.variant
        return (
            self.id, order_id, v.id, v.sku, v.name, v.title, v.price_minor, self.quantity, self.discount_minor,
            v.final_sale, self.shipped, self.delivered, self.returning, self.returned,
        )  # fmt: skip


@dataclass(slots=True, eq=False)
class SimPayment:
    id: int
    reference: str
    card_last4: str
    amount_minor: int
    created: int
    status: str = "authorized"
    captured_minor: int = 0
    refunded_minor: int = 0

    def row(self, order_id: int, currency: str, stamps: Stamps) -> tuple[object, ...]:
        return (
            self.id, order_id, "card", self.reference, "card", self.card_last4, self.status, self.amount_minor,
            self.captured_minor, self.refunded_minor, currency, stamps.text(self.created),
        )  # fmt: skip


@dataclass(slots=True, eq=False)
class SimShipment:
    id: int
    kind: str  # outbound | exchange
    carrier: str
    service: str
    tracking_number: str
    created: int
    items: list[tuple[SimLine, VariantInfo, int]]  # (order line, variant sent, quantity)
    return_id: int | None = None
    status: str = ""
    exception_reason: str | None = None
    original_eta: int | None = None
    current_eta: int | None = None
    last_location: str | None = None
    last_scan: int | None = None
    shipped_at: int | None = None
    delivered_at: int | None = None
    line_ids: list[int] = field(default_factory=list)  # shipment_lines ids, parallel to items
    payload: dict[str, str] = field(default_factory=dict)  # shipment_payload(), built once

    def row(self, order_id: int, s: Stamps) -> tuple[object, ...]:
        return (
            self.id, order_id, self.kind, self.return_id, self.carrier, self.service, self.tracking_number,
            self.status, self.exception_reason, s.maybe(self.original_eta), s.maybe(self.current_eta),
            self.last_location, s.maybe(self.last_scan), s.text(self.created), s.maybe(self.shipped_at),
            s.maybe(self.delivered_at),
        )  # fmt: skip

    def line_rows(self) -> list[tuple[object, ...]]:
        return [
            (line_id, self.id, line.id, variant.id, qty)
            for line_id, (line, variant, qty) in zip(self.line_ids, self.items, strict=True)
        ]


@dataclass(slots=True, eq=False)
class SimReturnLine:
    id: int
    line: SimLine
    quantity: int
    reason: str
    resolution: str
    exchange: VariantInfo | None
    condition: str | None = None
    restocked: int = 0

    def row(self, return_id: int) -> tuple[object, ...]:
        exchange_id = self.exchange.id if self.exchange is not None else None
        return (
            self.id, return_id, self.line.id, self.quantity, self.reason, None, self.resolution, exchange_id,
            self.condition, self.restocked,
        )  # fmt: skip


@dataclass(slots=True, eq=False)
class SimReturn:
    id: int
    rma: str
    created: int
    note: str | None
    lines: list[SimReturnLine]
    status: str = ""
    fee_minor: int = 0
    tracking_number: str | None = None
    approved: int | None = None
    received: int | None = None
    resolved: int | None = None

    def row(self, order_id: int, s: Stamps) -> tuple[object, ...]:
        return (
            self.id, self.rma, order_id, self.status, None, self.note, self.fee_minor, self.tracking_number,
            s.text(self.created), s.maybe(self.approved), s.maybe(self.received), s.maybe(self.resolved),
        )  # fmt: skip


@dataclass(slots=True, eq=False)
class SimOrder:
    id: int
    number: str
    plan: OrderPlan
    lines: list[SimLine]
    source_ref: str | None
    subtotal_minor: int
    discount_minor: int
    total_minor: int
    payment: SimPayment
    total_text: str
    status: str = ""
    version: int = 0
    last_event: int = 0
    hold_reason: str | None = None
    hold_detail: str | None = None
    shipped_at: int | None = None
    delivered_at: int | None = None
    cancelled_at: int | None = None
    shipments: list[SimShipment] = field(default_factory=list)
    returns: list[SimReturn] = field(default_factory=list)
    # id(plan part) -> the aggregate it created, so later steps of the plan find it
    shipment_for: dict[int, SimShipment] = field(default_factory=dict)
    return_for: dict[int, SimReturn] = field(default_factory=dict)

    def row(self, currency: str, s: Stamps) -> tuple[object, ...]:
        p, c = self.plan, self.plan.customer
        return (
            self.id, self.number, c.id, c.email, c.phone, c.sms_consent, p.channel, self.source_ref,
            self.status, self.hold_reason, self.hold_detail, p.fraud_score, p.note, currency,
            self.subtotal_minor, self.discount_minor, p.shipping_minor, p.tax_minor, self.total_minor,
            s.text(p.placed), s.maybe(self.shipped_at), s.maybe(self.delivered_at), s.maybe(self.cancelled_at),
            self.version, s.maybe(self.last_event or None),
        )  # fmt: skip
