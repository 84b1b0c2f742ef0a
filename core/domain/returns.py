"""Return requests: eligibility, the over-return guard, approval, rejection and cancellation.

The second half of a return (back in transit, received, refunded or exchanged, closed) is in
``core.domain.return_resolution``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from core import characters
from core.domain.commands import ReturnLineInput, ReturnOverride
from core.domain.unit import Unit
from core.errors import NotEligible, ValidationFailed
from core.events import returns as facts
from core.events.fact import SYSTEM, Act
from core.lifecycle import Move, ReturnStatus, check_transition, initial, record
from core.models import Order, OrderLine, Return, ReturnLine, Shipment
from core.policies import RETURN_REASONS, LineEligibility, ReturnPolicy, line_eligibility
from core.wording import translatable

OVERRIDE_REASON_LIMIT = 300


@dataclass
class Overriding:
    """A manager's override while a return is opened: what it allows, and the lines it took back."""

    given: ReturnOverride | None
    reasons: frozenset[str]
    lines: list[list[object]] = field(default_factory=list)  # [order line id, sku, what was refused]

    def recorded(self) -> dict[str, object] | None:
        """The event's record of the override, when a line needed it (staff-only in the payload)."""
        if self.given is None or not self.lines:
            return None
        return {"reason": self.given.reason.strip(), "lines": self.lines}


def delivered_times(shipments: Iterable[Shipment]) -> dict[int, datetime]:
    """When each line was last delivered (its return window runs from there): an exchange's
    replacement line by its exchange parcel."""
    found: dict[int, datetime] = {}
    for shipment in shipments:
        if shipment.delivered_at is not None:
            for item in shipment.lines:
                known = found.get(item.order_line_id)
                found[item.order_line_id] = (
                    shipment.delivered_at if known is None else max(known, shipment.delivered_at)
                )
    return found


def eligibility(
    lines: Iterable[OrderLine], delivered: dict[int, datetime], policy: ReturnPolicy, now: datetime
) -> dict[int, LineEligibility]:
    """Whether, and how many of, each line may still go back (``delivered``: ``delivered_times``)."""
    return {
        line.id: line_eligibility(
            quantity_delivered=line.qty_delivered,
            quantity_returning=line.qty_returning,
            final_sale=line.final_sale,
            delivered_at=delivered.get(line.id),
            now=now,
            policy=policy,
        )
        for line in lines
    }


def _check_exchange(line: OrderLine, item: ReturnLineInput, product_of: Callable[[int], int | None]) -> None:
    if item.resolution == "refund":
        return
    if item.resolution != "exchange" or item.exchange_variant_id is None:
        raise ValidationFailed("Choose refund, or exchange with a variant.", field="resolution")
    wanted = product_of(item.exchange_variant_id)
    if wanted is None or wanted != product_of(line.variant_id) or item.exchange_variant_id == line.variant_id:
        raise ValidationFailed(
            "An exchange must be for another variant of the same product.", field="exchange_variant_id"
        )


def _limit(line: OrderLine, item: ReturnLineInput, check: LineEligibility, override: Overriding) -> int:
    """How many of the line may go back: the policy's number, or a manager's override of its refusal."""
    if check.eligible:
        return check.max_quantity
    if override.given is None or check.override_quantity <= 0:
        raise NotEligible(f"{line.name}: {check.message}", field="lines")
    if item.reason not in override.reasons:
        allowed = " or ".join(RETURN_REASONS.get(r, r).lower() for r in sorted(override.reasons))
        raise NotEligible(f"{line.name}: {check.message} A manager may take it back only as {allowed}.", field="reason")
    override.lines.append([line.id, line.sku, check.code])
    return check.override_quantity


def _claim(
    order: Order, item: ReturnLineInput, checks: dict[int, LineEligibility], policy: ReturnPolicy, override: Overriding
) -> OrderLine:
    """The line, once it is sure the item may go back; its quantity counts as returning."""
    line = next((ln for ln in order.lines if ln.id == item.order_line_id), None)
    if line is None:
        raise ValidationFailed(f"Line {item.order_line_id} is not on this order.", field="lines")
    if item.reason not in policy.reasons:
        raise ValidationFailed(f"Pick a reason from the list for {line.name}.", field="reason")
    if item.quantity <= 0:
        raise ValidationFailed(f"{line.name}: choose how many to return (at least 1).", field="quantity")
    limit = _limit(line, item, checks[line.id], override)
    if not 0 < item.quantity <= limit:
        raise NotEligible(f"{line.name}: you can return up to {limit}.", field="quantity")
    # The order is locked for the whole change, so no other return can claim these units meanwhile.
    line.qty_returning += item.quantity
    return line


def _line(return_id: int, item: ReturnLineInput) -> dict[str, object]:
    exchange = item.exchange_variant_id if item.resolution == "exchange" else None
    return {
        "return_id": return_id, "order_line_id": item.order_line_id, "quantity": item.quantity, "reason": item.reason,
        "note": (item.note or "")[:500] or None, "resolution": item.resolution, "exchange_variant_id": exchange,
        "condition": None, "restocked_qty": 0,
    }  # fmt: skip


def _check_request(items: list[ReturnLineInput], note: str | None, override: ReturnOverride | None) -> None:
    if not items:
        raise ValidationFailed(translatable("Choose at least one item to return."), field="lines")
    if len({item.order_line_id for item in items}) != len(items):
        raise ValidationFailed(translatable("Each item may appear once on a return."), field="lines")
    for text in [note, *(item.note for item in items)]:
        characters.check(text or "", "note", multiline=True)
    if override is not None:
        reason = characters.check(override.reason.strip(), "override_reason", label="The override reason")
        if not reason or len(reason) > OVERRIDE_REASON_LIMIT:
            limit = OVERRIDE_REASON_LIMIT
            raise ValidationFailed(f"Give the override a reason (at most {limit} characters).", field="override_reason")


def request(
    unit: Unit, act: Act, order: Order, items: list[ReturnLineInput], *, rma: str, token: str | None,
    note: str | None, delivered: dict[int, datetime], product_of: Callable[[int], int | None], policy: ReturnPolicy,
    override: ReturnOverride | None = None,
) -> Return:  # fmt: skip
    """Open a return: claim the lines (a manager's ``override`` takes back what the policy refuses, for
    its override reasons), reserve exchange stock, approve it if the policy allows."""
    _check_request(items, note, override)
    overriding = Overriding(override, policy.override_reasons)
    checks = eligibility(order.lines, delivered, policy, act.at)
    ret = unit.create(
        Return, rma=rma, order_id=order.id, status=initial("return"), client_token=token,
        customer_note=(note or "")[:2000] or None, restocking_fee_minor=0, return_tracking_number=None,
        created_at=act.at, approved_at=None, received_at=None, resolved_at=None,
    )  # fmt: skip
    for item in items:
        line = _claim(order, item, checks, policy, overriding)
        _check_exchange(line, item, product_of)
        if item.resolution == "exchange":
            unit.stock.reserve(item.exchange_variant_id, item.quantity)  # type: ignore[arg-type]
    unit.create_all(ReturnLine, [_line(ret.id, item) for item in items])
    lines = [[i.order_line_id, i.quantity, i.reason, i.resolution] for i in items]
    requested = facts.return_requested(ret=ret, lines=lines, override=overriding.recorded())
    record(unit, act, requested, Move.new("return", ret))
    if not policy.needs_review({item.reason for item in items}):
        approve(unit, Act(SYSTEM, act.at, act.notify, act.recorded_at), ret)
    return ret


def approve(unit: Unit, act: Act, ret: Return) -> None:
    ret.approved_at = act.at
    record(unit, act, facts.return_approved(ret=ret), Move("return", ret, ReturnStatus.APPROVED))


def _release(unit: Unit, order: Order, ret: Return) -> None:
    """Give back the claimed quantities and any exchange reservation."""
    lines = {line.id: line for line in order.lines}
    for item in ret.lines:
        lines[item.order_line_id].qty_returning -= item.quantity
        if item.exchange_variant_id is not None:
            unit.stock.release(item.exchange_variant_id, item.quantity)


def reject(unit: Unit, act: Act, order: Order, ret: Return, *, reason: str) -> None:
    check_transition("return", ret.status, ReturnStatus.REJECTED)
    characters.check(reason, "reason")
    _release(unit, order, ret)
    record(unit, act, facts.return_rejected(ret=ret, reason=reason), Move("return", ret, ReturnStatus.REJECTED))


def cancel(unit: Unit, act: Act, order: Order, ret: Return) -> None:
    """The customer changed their mind before sending the parcel back."""
    check_transition("return", ret.status, ReturnStatus.CANCELLED)
    _release(unit, order, ret)
    cancelled = facts.return_cancelled(ret=ret, reason="cancelled by customer")
    record(unit, act, cancelled, Move("return", ret, ReturnStatus.CANCELLED))
