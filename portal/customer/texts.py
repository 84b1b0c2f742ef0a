"""What customers read: statuses, progress steps, consent wording and return instructions,
in the page's language (lazy strings are translated when a template prints them)."""

from __future__ import annotations

from flask_babel import get_translations, gettext
from flask_babel import lazy_gettext as _l

from core.policies import LineEligibility
from core.wording import translatable
from web import wording
from web.i18n import current_language

ORDER_STATUS = {
    "placed": _l("Order received"),
    "on_hold": _l("We are checking a few details"),
    "released": _l("Being prepared"),
    "confirmed": _l("Confirmed"),
    "processing": _l("Being packed"),
    "partially_shipped": _l("Partly on its way"),
    "shipped": _l("On its way"),
    "partially_delivered": _l("Partly delivered"),
    "delivered": _l("Delivered"),
    "closed": _l("Complete"),
    "cancelled": _l("Cancelled"),
}

SHIPMENT_STATUS = {
    "label_created": _l("Label created"),
    "in_transit": _l("On its way"),
    "out_for_delivery": _l("Out for delivery"),
    "available_for_pickup": _l("Ready for pickup"),
    "delivered": _l("Delivered"),
    "exception": _l("Needs attention"),
    "cancelled": _l("Cancelled"),
}

RETURN_STATUS = {
    "requested": _l("Requested: we are reviewing it"),
    "approved": _l("Approved: please send it back"),
    "rejected": _l("Not accepted"),
    "in_transit": _l("On its way back to us"),
    "received": _l("Received: we are checking it"),
    "refunded": _l("Refunded"),
    "exchanged": _l("Exchange on its way"),
    "closed": _l("Complete"),
    "cancelled": _l("Cancelled"),
}

# The progress bar: (step key, label). The position of a status on it is below.
SHIPMENT_STEPS = (
    ("label_created", _l("Label created")),
    ("in_transit", _l("On its way")),
    ("out_for_delivery", _l("Out for delivery")),
    ("delivered", _l("Delivered")),
)
_STEP_OF = {"label_created": 1, "in_transit": 2, "exception": 2, "out_for_delivery": 3}
_STEP_OF |= {"available_for_pickup": 3, "delivered": 4, "cancelled": 0}

RETURN_STEPS = (("requested", _l("Requested")), ("approved", _l("Approved")), ("in_transit", _l("Sent back")))
RETURN_STEPS += (("received", _l("Received")), ("resolved", _l("Refunded or exchanged")))
_RETURN_STEP_OF = {"requested": 1, "approved": 2, "in_transit": 3, "received": 4}
_RETURN_STEP_OF |= {"refunded": 5, "exchanged": 5, "closed": 5, "rejected": 0, "cancelled": 0}


def shipment_step(status: str) -> int:
    return _STEP_OF.get(status, 1)


def return_step(status: str) -> int:
    return _RETURN_STEP_OF.get(status, 1)


def exception_text(reason: str | None) -> tuple[str, str]:
    """(headline, what happens next) for a shipment exception."""
    return wording.exception(reason, get_translations(), _UNKNOWN_EXCEPTION)


_UNKNOWN_EXCEPTION = (translatable("Something needs attention"), translatable("We are looking into it."))


def eligibility(found: LineEligibility) -> str:
    """Whether a line can go back, with its last day written for the page's language."""
    return wording.eligibility(found, get_translations(), current_language())


def return_reasons() -> dict[str, str]:
    return wording.return_reasons(get_translations())


def return_reason(code: str) -> str:
    return wording.return_reason(code, get_translations())


def consent_text(shop_name: str) -> str:
    """The wording shown next to the subscribe button; the same string, in the language shown, is stored as consent."""
    return gettext(
        "I agree to receive delivery updates on the parcel(s) shown on this page from %(shop)s at the email "
        "address and/or phone number above, once I confirm from the message sent there. Message and data rates "
        "may apply. Reply STOP to any text or use the unsubscribe link in any email to stop.",
        shop=shop_name,
    )


def confirm_request(targets: list[tuple[str, str]]) -> str:
    """What the page says after a subscription request: the same whether or not it was new."""
    asks = [
        gettext("open the link we emailed to %(address)s", address=address)
        if channel == "email"
        else gettext("reply YES to the text we sent %(address)s", address=address)
        for channel, address in targets
    ]
    joined = gettext(" and ").join(asks)
    return gettext("Almost done: %(asks)s to confirm. Until you do, nothing else is sent.", asks=joined)


def unknown_parcel(typed: str) -> str:
    """What a shopper reads when the tracking number they typed finds no parcel."""
    return gettext(
        "We could not find tracking number “%(number)s”. Check it against your shipping email: a new parcel can "
        "take a few hours to appear here after it ships. Or find your whole order with its order number.",
        number=typed,
    )


SCOPES = {
    "all": _l("All updates"),
    "delivery": _l("Delivery updates only (out for delivery and delivered)"),
}

ORDER_STEPS = (("placed", _l("Order received")), ("processing", _l("Being packed")))
ORDER_STEPS += (("shipped", _l("On its way")), ("delivered", _l("Delivered")))
_ORDER_STEP_OF = {"placed": 1, "on_hold": 1, "released": 1, "confirmed": 1, "processing": 2}
_ORDER_STEP_OF |= {"partially_shipped": 3, "shipped": 3, "partially_delivered": 3, "delivered": 4, "closed": 4}


def order_step(status: str) -> int:
    return _ORDER_STEP_OF.get(status, 0)
