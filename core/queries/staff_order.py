"""The staff order page: the order with its parcels, returns, refunds and full timeline.

Every line is named the way staff find it on a shelf, by SKU, product and variant (``ItemName``),
in parcels and returns alike. Which lines may go back is the domain's own rule
(``core.domain.returns.eligibility``), the very one that refuses a return, so the page never
offers a line the service would refuse.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from core.domain.payments import EXTERNAL, given_back_on_cancel, shipped_unpaid
from core.domain.returns import delivered_times, eligibility
from core.events.catalogue import EVENT_TYPES, HOLD_REASON_TEXT, describe
from core.models import (
    Customer,
    Event,
    Order,
    OrderLine,
    OutboxMessage,
    Payment,
    Refund,
    Return,
    ReturnLine,
    Shipment,
    ShipmentLine,
    Variant,
)
from core.permissions import Permission, cancel_needs
from core.policies import CONDITIONS, RETURN_REASONS, LineEligibility, ReturnPolicy
from core.queries.staff import typed_number
from core.queries.storecalls import StoreCall, store_calls

REFUSED_TEXT = {"final_sale": "final sale", "window_closed": "return window closed"}


@dataclass(frozen=True)
class ItemName:
    sku: str
    name: str
    variant_title: str

    @property
    def text(self) -> str:
        """ "Classic Tee · M" (the SKU is shown beside it, in a monospaced face)."""
        return f"{self.name} · {self.variant_title}" if self.variant_title else self.name


@dataclass(frozen=True)
class ParcelItem:
    quantity: int
    item: ItemName


@dataclass(frozen=True)
class ReturnItem:
    id: int  # the return line's
    quantity: int
    item: ItemName  # what comes back
    reason: str  # in the policy's words
    resolution: str  # refund | exchange
    condition: str  # as received ("" before)
    exchange: ItemName | None  # what goes out instead


@dataclass(frozen=True)
class ReturnChoice:
    """An order line on the "open a return" form, with the rule's verdict on it."""

    line_id: int
    item: ItemName
    check: LineEligibility


@dataclass(frozen=True)
class TimelineItem:
    id: int
    code: str
    text: str
    visibility: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    shipment_id: int | None
    return_id: int | None
    notified: bool
    detail: str


@dataclass(frozen=True)
class RiskReason:
    """One reason the fraud score went up (``core.risk``), as its ``order.risk_scored`` event recorded it."""

    code: str
    points: int
    text: str


@dataclass
class StaffOrder:
    order: Order
    customer: Customer
    shipments: list[Shipment]
    returns: list[Return]
    refunds: list[Refund]
    timeline: list[TimelineItem]
    notifications: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)  # event id -> sends
    parcel_items: dict[int, list[ParcelItem]] = field(default_factory=dict)  # shipment id -> what it carries
    return_items: dict[int, list[ReturnItem]] = field(default_factory=dict)  # return id -> what comes back
    return_choices: list[ReturnChoice] = field(default_factory=list)  # delivered lines, returnable or not
    risk: list[RiskReason] = field(default_factory=list)  # why the fraud score is what it is
    store_calls: list[StoreCall] = field(default_factory=list)

    @property
    def hold_text(self) -> str:
        reason = self.order.hold_reason or ""
        return HOLD_REASON_TEXT.get(reason, reason.replace("_", " "))

    @property
    def store_payment_ids(self) -> set[int]:
        """The payments a store took (its refunds wait for the store, not a card processor)."""
        return {p.id for p in self.order.payments if p.method == EXTERNAL}

    @property
    def shipped_unpaid(self) -> Payment | None:
        """The card payment refused as the parcel left: the goods are gone, the money is not taken."""
        return shipped_unpaid(self.order)

    @property
    def refundable_minor(self) -> int:
        return sum(p.captured_minor - p.refunded_minor for p in self.order.payments)

    @property
    def given_back_on_cancel(self) -> int:
        """What cancelling now would refund (0: an authorisation is voided, or nothing was paid)."""
        return given_back_on_cancel(self.order)

    @property
    def cancel_needs(self) -> tuple[Permission, ...]:
        return cancel_needs(self.given_back_on_cancel)

    @property
    def returnable(self) -> list[ReturnChoice]:
        return [choice for choice in self.return_choices if choice.check.eligible]

    @property
    def not_returnable(self) -> list[ReturnChoice]:
        return [choice for choice in self.return_choices if not choice.check.eligible]


def _override_text(override: dict[str, Any]) -> str:
    lines = ", ".join(f"{sku} ({REFUSED_TEXT.get(str(code), code)})" for _, sku, code in override.get("lines", []))
    return f"Manager override for {lines}: {override.get('reason') or '—'}"


def _detail(code: str, payload: dict[str, Any]) -> str:
    """Staff read why money moved and what the customer was told (the customer reads only the latter),
    and why a manager took back what the return policy refuses."""
    if code in {"order.cancelled", "refund.issued", "payment.voided"}:
        told = payload.get("customer_message")
        return f"Internal reason: {payload.get('reason') or '—'}" + (f" · Told the customer: {told}" if told else "")
    if code == "return.requested" and isinstance(payload.get("override"), dict):
        return _override_text(payload["override"])
    if payload.get("after_shipping"):
        return f"{payload.get('message') or ''} The carrier had the parcel already: it shipped unpaid."
    if code == "order.risk_scored":
        return "; ".join(f"+{r.points} {r.text}" for r in _reasons(payload))
    return str(payload.get("message") or payload.get("next_step") or payload.get("location") or "")


def _reasons(payload: dict[str, Any]) -> list[RiskReason]:
    found = payload.get("reasons") if isinstance(payload.get("reasons"), list) else []
    return [
        RiskReason(str(r.get("code")), int(r.get("points") or 0), str(r.get("text")))
        for r in found
        if isinstance(r, dict)
    ]


def _risk(events: list[Event]) -> list[RiskReason]:
    """The reasons of the order's latest risk score (none recorded: nothing added to it)."""
    scored = [event for event in events if event.type == "order.risk_scored"]
    return _reasons(scored[-1].payload or {}) if scored else []


def _timeline_item(event: Event) -> TimelineItem:
    payload = event.payload or {}
    return TimelineItem(
        id=event.id,
        code=event.type,
        text=describe(event.type, payload) if event.type in EVENT_TYPES else event.type,
        visibility=event.visibility,
        actor=f"{event.actor_type}{':' + event.actor_id if event.actor_id else ''}",
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        shipment_id=event.shipment_id,
        return_id=event.return_id,
        notified=event.notify,
        detail=_detail(event.type, payload)[:300],
    )


def _parcel_items(session: Session, order_id: int) -> dict[int, list[ParcelItem]]:
    """What each parcel carries, by its order line: an exchange's replacement is a line of its own."""
    query = (
        select(ShipmentLine.shipment_id, ShipmentLine.quantity, OrderLine.sku, OrderLine.name, OrderLine.variant_title)
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(OrderLine, OrderLine.id == ShipmentLine.order_line_id)
        .where(Shipment.order_id == order_id)
        .order_by(ShipmentLine.id)
    )
    found: dict[int, list[ParcelItem]] = defaultdict(list)
    for shipment_id, quantity, sku, name, title in session.execute(query):
        found[shipment_id].append(ParcelItem(quantity, ItemName(sku, name, title)))
    return dict(found)


def _return_items(session: Session, order_id: int) -> dict[int, list[ReturnItem]]:
    swap = aliased(Variant)
    query = (
        select(ReturnLine, OrderLine.sku, OrderLine.name, OrderLine.variant_title, swap.sku, swap.title)
        .join(Return, Return.id == ReturnLine.return_id)
        .join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
        .outerjoin(swap, swap.id == ReturnLine.exchange_variant_id)
        .where(Return.order_id == order_id)
        .order_by(ReturnLine.id)
    )
    found: dict[int, list[ReturnItem]] = defaultdict(list)
    for item, sku, name, title, swap_sku, swap_title in session.execute(query):
        exchange = ItemName(swap_sku, name, swap_title) if swap_sku else None
        reason = RETURN_REASONS.get(item.reason, item.reason)
        condition = CONDITIONS.get(item.condition or "", "").split(":")[0]  # "Damaged", not what follows from it
        made = ReturnItem(
            item.id, item.quantity, ItemName(sku, name, title), reason, item.resolution, condition, exchange
        )
        found[item.return_id].append(made)
    return dict(found)


def _choices(order: Order, shipments: list[Shipment], policy: ReturnPolicy, now: datetime) -> list[ReturnChoice]:
    """Every delivered line, with the one eligibility rule's verdict (and what a manager may override)."""
    checks = eligibility(order.lines, delivered_times(shipments), policy, now)
    return [
        ReturnChoice(line.id, ItemName(line.sku, line.name, line.variant_title), checks[line.id])
        for line in order.lines
        if line.qty_delivered > 0
    ]


def _sends(session: Session, order_id: int) -> dict[int, list[tuple[str, str, str]]]:
    sent: dict[int, list[tuple[str, str, str]]] = {}
    for message in session.scalars(select(OutboxMessage).where(OutboxMessage.order_id == order_id)):
        sent.setdefault(message.event_id, []).append((message.channel, message.recipient, message.status))
    return sent


def _all(session: Session, model: Any, order_id: int) -> list[Any]:
    return list(session.scalars(select(model).where(model.order_id == order_id).order_by(model.id)))


def staff_order(session: Session, number: str, *, policy: ReturnPolicy, now: datetime) -> StaffOrder | None:
    """Everything staff see on the order page, including internal events; ``policy`` and ``now``
    decide which delivered lines may still go back."""
    wanted = typed_number(number)
    order = None if wanted is None else session.scalar(select(Order).where(Order.number == wanted))
    if order is None:
        return None
    shipments = _all(session, Shipment, order.id)
    events = _all(session, Event, order.id)
    return StaffOrder(
        order=order,
        customer=session.get_one(Customer, order.customer_id),
        shipments=shipments,
        returns=_all(session, Return, order.id),
        refunds=_all(session, Refund, order.id),
        timeline=[_timeline_item(e) for e in events],
        notifications=_sends(session, order.id),
        parcel_items=_parcel_items(session, order.id),
        return_items=_return_items(session, order.id),
        return_choices=_choices(order, shipments, policy, now),
        risk=_risk(events),
        store_calls=store_calls(session, order.id),
    )
