"""What customers read: statuses, progress steps, consent wording and return instructions."""

from __future__ import annotations

from core.events.catalogue import EXCEPTION_TEXT

ORDER_STATUS = {
    "placed": "Order received",
    "on_hold": "We are checking a few details",
    "released": "Being prepared",
    "confirmed": "Confirmed",
    "processing": "Being packed",
    "partially_shipped": "Partly on its way",
    "shipped": "On its way",
    "partially_delivered": "Partly delivered",
    "delivered": "Delivered",
    "closed": "Complete",
    "cancelled": "Cancelled",
}

SHIPMENT_STATUS = {
    "label_created": "Label created",
    "in_transit": "On its way",
    "out_for_delivery": "Out for delivery",
    "available_for_pickup": "Ready for pickup",
    "delivered": "Delivered",
    "exception": "Needs attention",
    "cancelled": "Cancelled",
}

RETURN_STATUS = {
    "requested": "Requested: we are reviewing it",
    "approved": "Approved: please send it back",
    "rejected": "Not accepted",
    "in_transit": "On its way back to us",
    "received": "Received: we are checking it",
    "refunded": "Refunded",
    "exchanged": "Exchange on its way",
    "closed": "Complete",
    "cancelled": "Cancelled",
}

# The progress bar: (step key, label). The position of a status on it is below.
SHIPMENT_STEPS = (
    ("label_created", "Label created"),
    ("in_transit", "On its way"),
    ("out_for_delivery", "Out for delivery"),
    ("delivered", "Delivered"),
)
_STEP_OF = {"label_created": 1, "in_transit": 2, "exception": 2, "out_for_delivery": 3}
_STEP_OF |= {"available_for_pickup": 3, "delivered": 4, "cancelled": 0}

RETURN_STEPS = (("requested", "Requested"), ("approved", "Approved"), ("in_transit", "Sent back"))
RETURN_STEPS += (("received", "Received"), ("resolved", "Refunded or exchanged"))
_RETURN_STEP_OF = {"requested": 1, "approved": 2, "in_transit": 3, "received": 4}
_RETURN_STEP_OF |= {"refunded": 5, "exchanged": 5, "closed": 5, "rejected": 0, "cancelled": 0}


def shipment_step(status: str) -> int:
    return _STEP_OF.get(status, 1)


def return_step(status: str) -> int:
    return _RETURN_STEP_OF.get(status, 1)


def exception_text(reason: str | None) -> tuple[str, str]:
    """(headline, what happens next) for a shipment exception."""
    return EXCEPTION_TEXT.get(reason or "", ("Something needs attention", "We are looking into it."))


def consent_text(shop_name: str) -> str:
    """The wording shown next to the subscribe button; the same string is stored as consent."""
    return (
        f"I agree to receive delivery updates on the parcel(s) shown on this page from {shop_name} at the email "
        "address and/or phone number above, once I confirm from the message sent there. Message and data rates may apply. "
        "Reply STOP to any text or use the unsubscribe link in any email to stop."
    )


def confirm_request(targets: list[tuple[str, str]]) -> str:
    """What the page says after a subscription request: the same whether or not it was new."""
    asks = [
        f"open the link we emailed to {address}" if channel == "email" else f"reply YES to the text we sent {address}"
        for channel, address in targets
    ]
    return f"Almost done: {' and '.join(asks)} to confirm. Until you do, nothing else is sent."


def unknown_parcel(typed: str) -> str:
    """What a shopper reads when the tracking number they typed finds no parcel."""
    said = f"“{typed}”" if typed else "that tracking number"
    return (
        f"We could not find tracking number {said}. Check it against your shipping email: a new parcel can take "
        "a few hours to appear here after it ships. Or find your whole order with its order number."
    )


SCOPES = {"all": "All updates", "delivery": "Delivery updates only (out for delivery and delivered)"}

ORDER_STEPS = (("placed", "Order received"), ("processing", "Being packed"))
ORDER_STEPS += (("shipped", "On its way"), ("delivered", "Delivered"))
_ORDER_STEP_OF = {"placed": 1, "on_hold": 1, "released": 1, "confirmed": 1, "processing": 2}
_ORDER_STEP_OF |= {"partially_shipped": 3, "shipped": 3, "partially_delivered": 3, "delivered": 4, "closed": 4}


def order_step(status: str) -> int:
    return _ORDER_STEP_OF.get(status, 0)
