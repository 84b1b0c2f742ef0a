"""The request bodies of the staff actions under /api/v1, as msgspec Structs (see ``schemas``).

Each action is one service call, the one the staff hub's form makes, so each body holds what that
form holds: an internal ``reason`` where staff give one, the optional ``message`` the customer
reads, and ``notify`` (the hub's "Don't notify the customer", inverted). A body is required even
when it is empty (``{}``): the API reads JSON only.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, field

from core.events.catalogue import HOLD_REASON_TEXT
from core.policies import CONDITIONS, RETURN_REASONS
from portal.api.schemas import LINE, Carrier, Closed, Quantity, Sku, TrackingNumber, whole

Notify = Annotated[bool, Meta(description="Tell the customer; false is the hub's 'Don't notify the customer'.")]
Reason = Annotated[
    str, Meta(min_length=1, max_length=200, pattern=LINE, description="Why, for staff and the money log only.")
]
Message = Annotated[
    str, Meta(min_length=1, max_length=1000, pattern=LINE, description="What the customer reads, if anything.")
]
LineId = Annotated[int, Meta(ge=1, le=2_000_000_000)]
Rma = Annotated[str, Meta(pattern=whole("[A-Za-z0-9-]{1,24}"))]
HoldReason = Literal[tuple(HOLD_REASON_TEXT)]  # type: ignore[valid-type]
ReturnReason = Literal[tuple(RETURN_REASONS)]  # type: ignore[valid-type]
Condition = Literal[tuple(CONDITIONS)]  # type: ignore[valid-type]


class OrderHold(Closed, kw_only=True):
    """Put the order aside for review."""

    reason: HoldReason = "manual"
    detail: Annotated[str, Meta(max_length=300, pattern=LINE)] | None = None
    notify: Notify = True


class Notified(Closed, kw_only=True):
    """An action that takes nothing but whether to tell the customer (release, approve)."""

    notify: Notify = True


class OrderCancel(Closed, kw_only=True):
    """Cancel before anything ships: stock released, the payment voided or refunded in full."""

    reason: Reason
    message: Message | None = None
    notify: Notify = True


class RefundCreate(Closed, kw_only=True):
    """A goodwill refund of an amount staff choose, never above what remains refundable."""

    amount_minor: Annotated[int, Meta(ge=1, le=2_000_000_000)]
    reason: Reason
    message: Message | None = None
    notify: Notify = True


class ReturnLineRequest(Closed, kw_only=True):
    line_id: LineId
    quantity: Quantity
    reason: ReturnReason
    resolution: Annotated[
        Literal["refund", "exchange"],
        Meta(description="Refund the line, or exchange it for another variant of the same product."),
    ] = "refund"
    exchange_sku: (
        Annotated[
            Sku,
            Meta(
                description="For an exchange (and only then): the SKU of the replacement, another variant of the "
                "same product with stock to send; it is reserved when the return opens."
            ),
        ]
        | None
    ) = None


class ReturnCreate(Closed, kw_only=True):
    """Open a return for the customer, as the customer portal does: each line refunded or exchanged when the
    return is resolved; the return policy decides what may go back."""

    lines: Annotated[list[ReturnLineRequest], Meta(min_length=1, max_length=100)]
    note: Annotated[str, Meta(max_length=2000, pattern=LINE)] | None = None
    notify: Notify = True


class ReturnReject(Closed, kw_only=True):
    reason: Annotated[str, Meta(min_length=1, max_length=300, pattern=LINE)]
    notify: Notify = True


class ReturnLineCondition(Closed, kw_only=True):
    line_id: Annotated[LineId, Meta(description="A return line's id (the return's `lines[].id`).")]
    condition: Condition


class ReturnReceive(Closed, kw_only=True):
    """The parcel arrived: each line's condition (resellable items go back into stock)."""

    lines: Annotated[
        list[ReturnLineCondition],
        Meta(max_length=100, description="Each line's condition; a line left out is resellable."),
    ] = field(default_factory=list)
    notify: Notify = True


class ReturnResolve(Closed, kw_only=True):
    """Refund the refund lines (less the restocking fee); pack the exchange lines in a parcel of their own."""

    exchange_carrier: Carrier = "usps"
    exchange_tracking_number: TrackingNumber | None = None
    notify: Notify = True


ACTION_BODIES: tuple[type[Closed], ...] = (
    OrderHold,
    Notified,
    OrderCancel,
    RefundCreate,
    ReturnCreate,
    ReturnReject,
    ReturnReceive,
    ReturnResolve,
)
