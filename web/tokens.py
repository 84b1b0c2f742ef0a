"""Signed, expiring tokens for links: open an order without re-entering the email, and one-click unsubscribe.

A token names exactly one order (or subscription), so it can never open another. The customer
portal serves the order links; the notifications put both kinds into messages.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

ORDER_SALT = "shiplog.order-link"
UNSUBSCRIBE_SALT = "shiplog.unsubscribe"


class LinkExpired(Exception):
    """The link was genuine but is too old."""


class LinkInvalid(Exception):
    """The link was tampered with or never issued by us."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load(salt: str, token: str, max_age: int | None) -> dict[str, object]:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkExpired from None
    except BadSignature:
        raise LinkInvalid from None
    if not isinstance(data, dict):
        raise LinkInvalid
    return data


def order_token(order_id: int) -> str:
    return _serializer(ORDER_SALT).dumps({"o": order_id})


def order_from_token(token: str) -> int:
    """The order id the token was issued for; raises LinkExpired or LinkInvalid."""
    max_age = current_app.config["ORDER_LINK_MAX_AGE_DAYS"] * 86400
    order_id = _load(ORDER_SALT, token, max_age).get("o")
    if not isinstance(order_id, int):
        raise LinkInvalid
    return order_id


def unsubscribe_token(channel: str, address: str, order_id: int | None) -> str:
    """For the order's own customer ``order_id`` scopes it; subscriptions carry their order too."""
    return _serializer(UNSUBSCRIBE_SALT).dumps({"c": channel, "a": address, "o": order_id})


def unsubscribe_from_token(token: str) -> tuple[str, str, int | None]:
    data = _load(UNSUBSCRIBE_SALT, token, None)  # unsubscribe links never expire
    channel, address, order_id = data.get("c"), data.get("a"), data.get("o")
    if not isinstance(channel, str) or not isinstance(address, str):
        raise LinkInvalid
    return channel, address, order_id if isinstance(order_id, int) else None
