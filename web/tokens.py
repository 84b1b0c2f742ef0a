"""Signed, expiring links, each good for one purpose only.

A token is signed for exactly one purpose (the purpose is its salt), so a token made for another
purpose, edited, or made by anyone without the secret key never verifies. Each names one thing:

| purpose | names | opens | lifetime |
| --- | --- | --- | --- |
| view | an order | the order page and all it offers (items, money, returns, subscribing someone) | ``ORDER_LINK_MAX_AGE_DAYS`` |
| return | an order and one return | that return's page, label and cancel, nothing else | ``RETURN_LINK_MAX_AGE_DAYS`` |
| subscribe | a subscription | confirming that subscription | ``core.domain.subscriptions.CONFIRM_WITHIN`` |
| unsubscribe | a channel, address and order | stopping updates to that address | ``UNSUBSCRIBE_LINK_MAX_AGE_DAYS`` |

View and return links go only to the order's own contact (an order lookup by number plus its email or
phone, or a message to them); a subscriber's messages carry only its own subscribe or unsubscribe link.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from core.domain.subscriptions import CONFIRM_WITHIN


class Purpose(StrEnum):
    VIEW = "view"
    RETURN = "return"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"


# Links sent before links had purposes. An old order link may be in a subscriber's hands (messages
# carried one), so it counts as expired; an old unsubscribe link still stops mail, within its lifetime.
LEGACY_ORDER_SALT = "shiplog.order-link"
LEGACY_UNSUBSCRIBE_SALT = "shiplog.unsubscribe"


class LinkExpired(Exception):
    """The link was genuine but is too old."""


class LinkInvalid(Exception):
    """The link was tampered with, made for another purpose, or never issued by us."""


def _max_age(purpose: Purpose) -> int:
    if purpose is Purpose.SUBSCRIBE:
        return int(CONFIRM_WITHIN.total_seconds())
    setting = {
        Purpose.VIEW: "ORDER_LINK_MAX_AGE_DAYS",
        Purpose.RETURN: "RETURN_LINK_MAX_AGE_DAYS",
        Purpose.UNSUBSCRIBE: "UNSUBSCRIBE_LINK_MAX_AGE_DAYS",
    }[purpose]
    return int(current_app.config[setting]) * 86400


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(purpose: Purpose, claims: dict[str, Any]) -> str:
    return _serializer(f"shiplog.link.{purpose}").dumps(claims)


def _load(salt: str, token: str, max_age: int) -> dict[str, Any]:
    try:
        data = _serializer(salt).loads(token[:1000], max_age=max_age)
    except SignatureExpired:
        raise LinkExpired from None
    except BadSignature:
        raise LinkInvalid from None
    if not isinstance(data, dict):
        raise LinkInvalid
    return data


def verify(purpose: Purpose, token: str) -> dict[str, Any]:
    """The claims of a token made for ``purpose``; raises LinkExpired or LinkInvalid."""
    return _load(f"shiplog.link.{purpose}", token, _max_age(purpose))


def _integer(claims: dict[str, Any], key: str) -> int:
    value = claims.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise LinkInvalid
    return value


def order_token(order_id: int) -> str:
    return sign(Purpose.VIEW, {"o": order_id})


def order_from_token(token: str) -> int:
    """The order a view link opens; raises LinkExpired or LinkInvalid."""
    try:
        return _integer(verify(Purpose.VIEW, token), "o")
    except LinkInvalid:
        _load(LEGACY_ORDER_SALT, token, _max_age(Purpose.VIEW))  # ours, but from before purposes
        raise LinkExpired from None


def return_token(order_id: int, rma: str) -> str:
    return sign(Purpose.RETURN, {"o": order_id, "r": rma})


def return_from_token(token: str) -> tuple[int, str]:
    """(order id, RMA) of a return link."""
    claims = verify(Purpose.RETURN, token)
    rma = claims.get("r")
    if not isinstance(rma, str):
        raise LinkInvalid
    return _integer(claims, "o"), rma


def confirm_token(subscription_id: int) -> str:
    return sign(Purpose.SUBSCRIBE, {"s": subscription_id})


def confirm_from_token(token: str) -> int:
    """The subscription a confirmation link confirms."""
    return _integer(verify(Purpose.SUBSCRIBE, token), "s")


def unsubscribe_token(channel: str, address: str, order_id: int | None) -> str:
    """For the order's own customer ``order_id`` scopes it; subscriptions carry their order too."""
    return sign(Purpose.UNSUBSCRIBE, {"c": channel, "a": address, "o": order_id})


def unsubscribe_from_token(token: str) -> tuple[str, str, int | None]:
    try:
        data = verify(Purpose.UNSUBSCRIBE, token)
    except LinkInvalid:
        data = _load(LEGACY_UNSUBSCRIBE_SALT, token, _max_age(Purpose.UNSUBSCRIBE))
    channel, address, order_id = data.get("c"), data.get("a"), data.get("o")
    if not isinstance(channel, str) or not isinstance(address, str):
        raise LinkInvalid
    return channel, address, order_id if isinstance(order_id, int) else None
