"""Every order action in the hub: one form, one service call, one flash message.

Each handler parses the form (``ValidationFailed`` for bad input) and calls exactly one
service with ``notify`` from the "Don't notify the customer" checkbox. ``ACTIONS`` names, for
each, the permission it needs (``core.permissions``; the service checks it too, with the
order's state: a cancellation that gives money back needs more) and whether it is destructive,
so its form must carry a ticked confirmation box, checked here whatever the browser did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from core.clock import utcnow
from core.domain.commands import ReturnLineInput, ReturnOverride
from core.errors import ValidationFailed
from core.events.catalogue import HOLD_REASON_TEXT
from core.events.fact import Actor
from core.lifecycle import ExceptionReason, ShipmentStatus
from core.permissions import Permission
from core.policies import CONDITIONS, RETURN_REASONS
from core.queries.staff_order import StaffOrder
from core.services import fulfilment, ordering, refunds, return_resolution, returns, tracking
from portal.staff import forms
from web.extensions import shop

Form = Mapping[str, str]
Action = Callable[[StaffOrder, Form, Actor], str]
SCAN_CHOICES = {s.value for s in ShipmentStatus} - {ShipmentStatus.LABEL_CREATED, ShipmentStatus.CANCELLED}


def _shipment_id(detail: StaffOrder, form: Form) -> int:
    raw = form.get("shipment_id", "")
    found = next((s.id for s in detail.shipments if str(s.id) == raw), None)
    if found is None:
        raise ValidationFailed("That shipment is not on this order.", field="shipment_id")
    return found


def _return_id(detail: StaffOrder, form: Form) -> int:
    raw = form.get("return_id", "")
    found = next((r.id for r in detail.returns if str(r.id) == raw), None)
    if found is None:
        raise ValidationFailed("That return is not on this order.", field="return_id")
    return found


def hold(detail: StaffOrder, form: Form, actor: Actor) -> str:
    reason = forms.choice(form, "reason", HOLD_REASON_TEXT, "hold reason")
    ordering.hold_order(
        shop(),
        detail.order.id,
        reason=reason,
        detail=forms.optional(form, "detail"),
        actor=actor,
        notify=forms.notify(form),
    )
    return "Order put on hold."


def release(detail: StaffOrder, form: Form, actor: Actor) -> str:
    ordering.release_order(shop(), detail.order.id, actor=actor, notify=forms.notify(form))
    return "Hold released."


def cancel(detail: StaffOrder, form: Form, actor: Actor) -> str:
    reason, message = forms.required(form, "reason", "An internal reason", 200), forms.message(form)
    refunds.cancel_order(
        shop(), detail.order.id, reason=reason, message=message, actor=actor, notify=forms.notify(form)
    )
    return "Order cancelled; payment voided or refunded."


def refund(detail: StaffOrder, form: Form, actor: Actor) -> str:
    amount = forms.amount(form, "amount", detail.order.currency)
    reason, message = forms.required(form, "reason", "An internal reason", 200), forms.message(form)
    made = refunds.refund_order(
        shop(), detail.order.id, amount_minor=amount, reason=reason, message=message, actor=actor,
        notify=forms.notify(form),
    )  # fmt: skip
    if made.status == "pending":
        return "Refund asked of the store: it shows as done once the store confirms it."
    return "Refund issued."


def note(detail: StaffOrder, form: Form, actor: Actor) -> str:
    text = forms.required(form, "text", "The note", 2000, multiline=True)
    for_customer = forms.choice(form, "visibility", {"internal", "customer"}, "visibility") == "customer"
    ordering.add_note(shop(), detail.order.id, text=text, for_customer=for_customer, actor=actor)
    return "Note added (visible to the customer)." if for_customer else "Internal note added."


def create_shipment(detail: StaffOrder, form: Form, actor: Actor) -> str:
    lines = forms.quantities(form, "qty_", {line.id for line in detail.order.lines}) or None
    common = {
        "carrier_code": forms.required(form, "carrier", "A carrier", 32),
        "service": forms.optional(form, "service", 48) or "Standard",
        "tracking_number": forms.required(form, "tracking_number", "A tracking number", 64),
        "lines": lines,
        "actor": actor,
        "notify": forms.notify(form),
    }
    if form.get("ship_now") in {"1", "on"}:
        fulfilment.ship_order(shop(), detail.order.id, **common)  # type: ignore[arg-type]
        return "Shipment created and handed to the carrier."
    fulfilment.create_shipment(shop(), detail.order.id, **common)  # type: ignore[arg-type]
    return "Shipment created (label)."


def ship(detail: StaffOrder, form: Form, actor: Actor) -> str:
    fulfilment.ship_shipment(shop(), _shipment_id(detail, form), actor=actor, notify=forms.notify(form))
    return "Marked as shipped."


def carrier_event(detail: StaffOrder, form: Form, actor: Actor) -> str:
    shipment_id = _shipment_id(detail, form)
    number = next(s.tracking_number for s in detail.shipments if s.id == shipment_id)
    status = forms.choice(form, "status", SCAN_CHOICES, "status")
    reason = form.get("exception_reason") or None
    if status == ShipmentStatus.EXCEPTION:
        reason = forms.choice(form, "exception_reason", {r.value for r in ExceptionReason}, "exception reason")
    scan = tracking.CarrierScan(
        number,
        status,
        utcnow(),
        location=forms.optional(form, "location", 120) or None,
        message=forms.optional(form, "message") or None,
        exception_reason=reason if status == "exception" else None,
    )
    tracking.record_scan(shop(), scan, actor=actor, notify=forms.notify(form))
    return "Carrier event added."


def deliver(detail: StaffOrder, form: Form, actor: Actor) -> str:
    tracking.mark_delivered(shop(), _shipment_id(detail, form), actor=actor, notify=forms.notify(form))
    return "Marked as delivered."


def _override(detail: StaffOrder, form: Form, chosen: dict[int, int]) -> ReturnOverride | None:
    """A manager's override, when the form gives its reason; the rule decides which lines need one."""
    reason = forms.optional(form, "override_reason", 300, label="The override reason")
    refused = [c.item.sku for c in detail.not_returnable if c.line_id in chosen and c.check.override_quantity]
    if refused and not reason:
        named = ", ".join(refused)
        raise ValidationFailed(
            f"{named}: give an override reason to take back what the policy refuses.", field="override_reason"
        )
    return ReturnOverride(reason) if reason else None


def start_return(detail: StaffOrder, form: Form, actor: Actor) -> str:
    lines = forms.quantities(form, "rqty_", {line.id for line in detail.order.lines})
    reason = forms.choice(form, "reason", RETURN_REASONS, "return reason")
    items = [ReturnLineInput(line_id, qty, reason) for line_id, qty in lines.items()]
    override = _override(detail, form, lines)
    returns.request_return(
        shop(), detail.order.id, items, client_token=forms.optional(form, "client_token", 64) or None,
        note=forms.optional(form, "note", 2000) or None, override=override, actor=actor, notify=forms.notify(form),
    )  # fmt: skip
    return "Return opened."


def approve_return(detail: StaffOrder, form: Form, actor: Actor) -> str:
    returns.approve_return(shop(), _return_id(detail, form), actor=actor, notify=forms.notify(form))
    return "Return approved."


def reject_return(detail: StaffOrder, form: Form, actor: Actor) -> str:
    reason = forms.required(form, "reason", "A reason", 300)
    returns.reject_return(shop(), _return_id(detail, form), reason=reason, actor=actor, notify=forms.notify(form))
    return "Return rejected."


def receive_return(detail: StaffOrder, form: Form, actor: Actor) -> str:
    return_id = _return_id(detail, form)
    ret = next(r for r in detail.returns if r.id == return_id)
    conditions = {item.id: forms.choice(form, f"cond_{item.id}", CONDITIONS, "condition") for item in ret.lines}
    return_resolution.receive_return(shop(), return_id, conditions=conditions, actor=actor, notify=forms.notify(form))
    return "Return received; resellable items restocked."


def resolve_return(detail: StaffOrder, form: Form, actor: Actor) -> str:
    return_resolution.resolve_return(
        shop(),
        _return_id(detail, form),
        actor=actor,
        notify=forms.notify(form),
        exchange_carrier=forms.optional(form, "carrier", 32) or "usps",
        exchange_tracking=forms.optional(form, "tracking_number", 64) or None,
    )
    return "Return resolved: refund issued or exchange packed."


@dataclass(frozen=True)
class StaffAction:
    handle: Action
    permission: Permission
    destructive: bool = False  # cannot be undone: the form must carry a ticked "confirm" box

    def run(self, detail: StaffOrder, form: Form, actor: Actor) -> str:
        if self.destructive:
            forms.confirmed(form)
        return self.handle(detail, form, actor)


P = Permission
ACTIONS: dict[str, StaffAction] = {
    "hold": StaffAction(hold, P.ORDER_HOLD),
    "release": StaffAction(release, P.ORDER_RELEASE),
    "cancel": StaffAction(cancel, P.ORDER_CANCEL, destructive=True),
    "refund": StaffAction(refund, P.REFUND, destructive=True),
    "note": StaffAction(note, P.ORDER_NOTE),
    "create-shipment": StaffAction(create_shipment, P.SHIPMENT_CREATE),
    "ship": StaffAction(ship, P.SHIPMENT_UPDATE),
    "carrier-event": StaffAction(carrier_event, P.SHIPMENT_UPDATE),
    "deliver": StaffAction(deliver, P.SHIPMENT_UPDATE),
    "start-return": StaffAction(start_return, P.RETURN_OPEN),
    "approve-return": StaffAction(approve_return, P.RETURN_REVIEW),
    "reject-return": StaffAction(reject_return, P.RETURN_REVIEW, destructive=True),
    "receive-return": StaffAction(receive_return, P.RETURN_RECEIVE),
    "resolve-return": StaffAction(resolve_return, P.RETURN_RESOLVE),
}
