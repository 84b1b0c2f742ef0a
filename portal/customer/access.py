"""Who may see an order: a signed link, rate limits on lookups, and the lookup comparison itself.

Access is graded: a tracking number shows its parcel's public status only; the order number plus
the order's email or phone gives a view link (``web.tokens``), which opens the whole order; a return
link, sent to the order's own contact, opens its one return and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import NoReturn

from flask import abort, current_app, request, url_for
from flask_babel import gettext
from limits import parse_many
from werkzeug.utils import redirect

from core.errors import ValidationFailed
from core.queries.orders import LookupRow
from core.wording import translatable
from portal.customer import forms
from portal.customer.forms import Lookup
from web.extensions import client_ip, limiter
from web.tokens import LinkExpired, LinkInvalid, order_from_token, return_from_token

# Compared against when no order has the number, so both paths do the same work.
_DECOY = LookupRow(0, "nobody@invalid.example", "+10000000000")
INVALID = translatable("That link is not valid here. Check that you copied all of it, or look your order up.")


def _expired() -> NoReturn:
    abort(redirect(url_for("customer.lookup", expired=1), code=303))  # the page says why


def order_id_from(token: str) -> int:
    """The order a view link opens. Expired: back to the lookup with a message. Forged, or made
    for another purpose (a return, an unsubscribe or a confirmation link): 404."""
    try:
        return order_from_token(token[:512])
    except LinkExpired:
        _expired()
    except LinkInvalid:
        abort(404, description=gettext(INVALID))


def is_view_link(token: str) -> bool:
    """Does the link open the whole order (rather than one return)?"""
    try:
        order_from_token(token[:512])
    except (LinkExpired, LinkInvalid):
        return False
    return True


def return_order_from(token: str, rma: str) -> int:
    """The order whose return ``rma`` a link may open: a view link (any of its returns), or a
    return link made for exactly this return."""
    try:
        return order_from_token(token[:512])
    except LinkExpired:
        _expired()
    except LinkInvalid:
        pass  # not a view link: perhaps this return's own
    try:
        order_id, linked = return_from_token(token[:512])
    except LinkExpired:
        _expired()
    except LinkInvalid:
        abort(404, description=gettext(INVALID))
    if linked != rma:
        abort(404, description=gettext("That link is for another return."))
    return order_id


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


def matches(found: LookupRow | None, lookup: Lookup) -> bool:
    """Constant-time: an unknown order and a wrong contact take the same steps."""
    row = found or _DECOY
    stored = row.email if lookup.channel == "email" else (row.phone or "")
    same = hmac.compare_digest(_digest(stored), _digest(lookup.contact))
    return same and found is not None and bool(stored)


def lookup_limit() -> str:
    return str(current_app.config.get("LOOKUP_RATE_LIMIT", "20 per minute;200 per hour"))


def order_number_limit() -> str:
    return str(current_app.config.get("LOOKUP_ORDER_RATE_LIMIT", "8 per minute;40 per hour"))


def tracking_limit() -> str:
    return str(current_app.config.get("TRACKING_RATE_LIMIT", "60 per minute;1000 per hour"))


def count_tracking_miss() -> None:
    """An unknown tracking number costs the caller's IP one hit; over the limit is a 429.

    Only misses count: guessing numbers is limited, while watching a real parcel (a cached
    page, polled) never pays for a rate-limit check on every request.
    """
    if not limiter.enabled:
        return
    for item in parse_many(tracking_limit()):
        if not limiter.limiter.hit(item, "tracking-miss", client_ip()):
            abort(429)


def poll_limit() -> str:
    return str(current_app.config.get("POLL_RATE_LIMIT", "120 per minute"))


def order_number_key() -> str:
    """Rate-limit key per order number, so spreading guesses over many IPs does not help."""
    try:
        number = forms.order_number(str(request.form.get("number", ""))[:64])
    except ValidationFailed:
        number = "invalid"
    return f"order-number:{number}"


def poll_seconds() -> int:
    return max(2, int(current_app.config.get("PORTAL_POLL_SECONDS", 30)))
