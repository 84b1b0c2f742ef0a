"""Outbound webhook endpoints: adding one (its signing secret made here, shown once) and removing one.

Managing them is ``webhook.manage`` (managers' by default): an endpoint receives every event it is
subscribed to, customers' names and addresses included. Deliveries are planned with each event
(``core.outbox.webhooks``) and sent by the notification dispatcher.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from sqlalchemy import select

from core import characters
from core.clock import utcnow
from core.errors import NotFound, ValidationFailed
from core.events.catalogue import EVENT_TYPES
from core.events.fact import Actor
from core.models import WebhookEndpoint
from core.outbox.webhooks import EVERY
from core.permissions import Permission
from core.shop import Shop

MAX_URL = 2000


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host: where a POST can go."""
    url = characters.check(url.strip(), "url", label="The URL")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL:
        raise ValidationFailed(
            f"Give an http:// or https:// URL with a host, at most {MAX_URL} characters.", field="url"
        )
    return url


def check_event_types(chosen: Iterable[str]) -> list[str]:
    """Known event types (the catalogue's codes), or ``*`` for every one; at least one."""
    wanted = sorted({code.strip() for code in chosen if code.strip()})
    unknown = [code for code in wanted if code != EVERY and code not in EVENT_TYPES]
    if unknown:
        named = characters.visible(", ".join(unknown)[:200])  # shown back: refused characters as escapes
        raise ValidationFailed(f"Unknown event type(s): {named}.", field="event_types")
    if not wanted:
        raise ValidationFailed("Choose at least one event type.", field="event_types")
    return [EVERY] if EVERY in wanted else wanted


def add_endpoint(
    shop: Shop, *, url: str, event_types: Iterable[str], description: str = "", actor: Actor
) -> tuple[WebhookEndpoint, str]:
    """The new endpoint and its signing secret (the receiver needs it to check signatures)."""
    shop.permissions.require(actor, Permission.WEBHOOK_MANAGE)
    checked, types = check_url(url), check_event_types(event_types)
    text = characters.check(description.strip()[:200], "description", label="The description")
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    with shop.db.write() as session:
        endpoint = WebhookEndpoint(
            url=checked, event_types=types, secret=secret, description=text, created_at=utcnow(),
            created_by=actor.id,
        )  # fmt: skip
        session.add(endpoint)
    return endpoint, secret


def remove_endpoint(shop: Shop, endpoint_id: int, *, actor: Actor) -> WebhookEndpoint:
    """Stop planning deliveries to it; those not yet sent are skipped. The row stays for its history."""
    shop.permissions.require(actor, Permission.WEBHOOK_MANAGE)
    with shop.db.write() as session:
        found = session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).with_for_update())
        if found is None or found.removed_at is not None:
            raise NotFound(f"No webhook endpoint #{endpoint_id}.", field="endpoint")
        found.removed_at = utcnow()
        return found
