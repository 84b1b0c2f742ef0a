"""Typed constructors of return (RMA) events, one keyword-only function per event type."""

from __future__ import annotations

from core.events.fact import Fact
from core.models import Return
from core.money import money_text


def _about(ret: Return, code: str, **body: object) -> Fact:
    return Fact(code, {"rma": ret.rma, **body}, order_id=ret.order_id, return_id=ret.id)


def return_requested(*, ret: Return, lines: list[list[object]], override: dict[str, object] | None = None) -> Fact:
    """``lines`` are [order line id, quantity, reason, resolution]; ``override``, when a manager took back
    what the policy refuses, is {"reason": staff's words, "lines": [[order line id, sku, refusal code]]}."""
    if override is None:
        return _about(ret, "return.requested", lines=lines)
    return _about(ret, "return.requested", lines=lines, override=override)


def return_approved(*, ret: Return) -> Fact:
    return _about(ret, "return.approved")


def return_rejected(*, ret: Return, reason: str) -> Fact:
    return _about(ret, "return.rejected", reason=reason[:300])


def return_cancelled(*, ret: Return, reason: str) -> Fact:
    return _about(ret, "return.cancelled", reason=reason[:300])


def return_in_transit(*, ret: Return) -> Fact:
    return _about(ret, "return.in_transit", tracking_number=ret.return_tracking_number)


def return_received(*, ret: Return, restocked: list[str]) -> Fact:
    """``restocked`` are the SKUs that went back on the shelf."""
    return _about(ret, "return.received", restocked=restocked)


def _settled(amount: int, fee: int, due: int, currency: str) -> dict[str, object]:
    body: dict[str, object] = {"refund_minor": amount, "restocking_fee_minor": fee}
    body["amount_text"] = money_text(amount, currency)
    if amount < due:
        body["refund_due_minor"] = due  # goodwill refunds had already paid part of it back
    return body


def return_refunded(*, ret: Return, amount: int, fee: int, due: int, currency: str) -> Fact:
    """``amount`` refunded now, ``fee`` kept, ``due`` what the lines were worth less the fee."""
    return _about(ret, "return.refunded", **_settled(amount, fee, due, currency))


def return_exchanged(
    *, ret: Return, amount: int, fee: int, due: int, currency: str, shipment_id: int, items: list[list[object]]
) -> Fact:
    """As ``return_refunded`` for the refund lines, plus the replacement parcel and its [sku, quantity]."""
    body = _settled(amount, fee, due, currency) | {"shipment_id": shipment_id, "items": items}
    return _about(ret, "return.exchanged", **body)


def return_closed(*, ret: Return) -> Fact:
    return _about(ret, "return.closed")
