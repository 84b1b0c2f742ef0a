"""Subscriptions from the tracking and order pages, with the consent shown recorded verbatim."""

from __future__ import annotations

from flask import current_app, request

from core.services.subscriptions import subscribe
from portal.customer import forms, texts
from web.extensions import client_ip, shop

Subscribed = tuple[list[tuple[str, str]], str]  # ([(channel, address)], scope)


def consent() -> str:
    return texts.consent_text(current_app.config["SHOP_NAME"])


def subscribe_from_form(order_id: int, page_path: str) -> Subscribed:
    """Validate every address first, then record one subscription per channel."""
    targets, scope = forms.parse_subscription(request.form)
    source = f"{page_path} from {client_ip()}"
    for channel, address in targets:
        subscribe(
            shop(),
            order_id,
            channel=channel,
            address=address,
            scope=scope,
            consent_text=consent(),
            consent_source=source,
        )
    return targets, scope


def confirmation(done: Subscribed) -> str:
    targets, scope = done
    where = " and ".join(address for _, address in targets)
    what = "all updates" if scope == "all" else "delivery updates"
    return f"Done: {what} for this order will go to {where}."
