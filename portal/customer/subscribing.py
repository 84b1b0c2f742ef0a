"""Subscriptions from the tracking and order pages, with the consent shown recorded verbatim.

Anyone may ask, so each address first gets a confirmation request (double opt-in) and, once it
confirms, parcel-level updates only: the page says so, and never says whether the address
was already subscribed.
"""

from __future__ import annotations

from flask import request

from core.services.subscriptions import subscribe
from portal.customer import forms, texts
from web.extensions import client_ip, shop
from web.shop_settings import settings

Subscribed = tuple[list[tuple[str, str]], str]  # ([(channel, address)], scope)


def consent() -> str:
    return texts.consent_text(settings().shop_name)


def subscribe_from_form(order_id: int, shipment_id: int | None, page_path: str) -> Subscribed:
    """Validate every address first, then ask each to confirm (one subscription per channel)."""
    targets, scope = forms.parse_subscription(request.form)
    source = f"{page_path} from {client_ip()}"
    for channel, address in targets:
        subscribe(
            shop(),
            order_id,
            shipment_id=shipment_id,
            channel=channel,
            address=address,
            scope=scope,
            consent_text=consent(),
            consent_source=source,
        )
    return targets, scope


def confirmation(done: Subscribed) -> str:
    return texts.confirm_request(done[0])
