"""Incoming webhooks from stores and carriers: verify, store, then process.

Each endpoint checks the platform's HMAC over the raw body (401 and nothing written when
it is missing or wrong), stores the delivery with that raw body, byte for byte, before
parsing it (the 2xx is sent only after that commit), then processes it in the same request. A processing failure leaves the delivery
``failed`` with its reason and still answers 2xx: the platform must not retry what we
already hold. ``flask --app wsgi webhooks process`` (re)processes stored deliveries.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from core.integrations import handlers, shopify, store_sync, stripe_events, woocommerce
from core.integrations.signatures import SCHEMES
from core.services import ingest
from core.stripe_gateway import BadSignature, verify_event
from web.errors import problem
from web.extensions import csrf, shop

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
csrf.exempt(bp)  # authenticated by HMAC signatures, not cookies

SECRETS = {
    "shopify": "SHOPIFY_WEBHOOK_SECRET",
    "woocommerce": "WOOCOMMERCE_WEBHOOK_SECRET",
    "easypost": "EASYPOST_WEBHOOK_SECRET",
    "aftership": "AFTERSHIP_WEBHOOK_SECRET",
}
KEPT_HEADERS = ("x-shopify-", "x-wc-webhook-", "x-hmac-", "aftership-", "content-type", "user-agent")


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _first(*values: object) -> str:
    return next((str(v) for v in values if v not in (None, "")), "")


def _incoming(source: str, body: bytes) -> ingest.Incoming:
    """Delivery id, topic and resource, from the platform's headers and body."""
    h, parsed = request.headers, _json(body)
    fallback = "sha256:" + hashlib.sha256(body).hexdigest()
    ref, updated = None, None
    if source == "shopify":
        topic = h.get("X-Shopify-Topic", "")
        delivery = _first(h.get("X-Shopify-Event-Id"), h.get("X-Shopify-Webhook-Id"), fallback)
        ref, updated = store_sync.resource(topic, parsed) or shopify.resource(topic, parsed)
    elif source == "woocommerce":
        topic = h.get("X-WC-Webhook-Topic", "")
        delivery = _first(h.get("X-WC-Webhook-Delivery-ID"), fallback)
        ref, updated = woocommerce.resource(parsed)
    elif source == "easypost":
        topic, delivery = _first(parsed.get("description")), _first(parsed.get("id"), fallback)
    else:
        topic, delivery = _first(parsed.get("event")), _first(parsed.get("event_id"), fallback)
    kept = {k: v for k, v in h.items() if k.lower().startswith(KEPT_HEADERS)}
    return ingest.Incoming(source, delivery, topic or "unknown", kept, body, ref, updated)


def _is_woocommerce_ping() -> bool:
    """WooCommerce's unsigned "webhook_id=N" form post, sent once when a webhook is saved."""
    if "X-WC-Webhook-Signature" in request.headers:
        return False
    return request.mimetype == "application/x-www-form-urlencoded" and set(request.form) == {"webhook_id"}


def _receive(source: str) -> Response | tuple[Response, int]:
    if source == "woocommerce" and _is_woocommerce_ping():
        return jsonify({"status": "ping", "stored": False}), 200
    body = request.get_data(cache=True)
    header, verify, _ = SCHEMES[source]
    if not verify(current_app.config.get(SECRETS[source]), body, request.headers.get(header)):
        return problem(401, "Unauthorized", f"Missing or wrong {header} signature.")
    found = _incoming(source, body)
    refusal = store_sync.not_connected(shop(), source, found.topic, found.headers)
    if refusal:
        return problem(403, "Store not connected", refusal)
    stored = ingest.store_delivery(shop(), found)
    status = handlers.process(shop(), stored.id) if stored.created else stored.status
    return jsonify({"delivery_id": stored.id, "status": status, "duplicate": not stored.created}), 200


@bp.post("/stripe")
def stripe_webhook() -> Response | tuple[Response, int]:
    """Stripe payment_intent.*, charge.refunded, refund updates and charge.dispute.created events,
    checked with the SDK's signature check; the event id is the delivery id (Stripe redelivers)."""
    body = request.get_data(cache=True)
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    try:
        event = verify_event(body, request.headers.get("Stripe-Signature"), secret)
    except BadSignature:
        return problem(401, "Unauthorized", "Missing or wrong Stripe-Signature signature.")
    except ValueError:
        return problem(400, "Bad request", "The body is not a Stripe event.")
    kept = {k: v for k, v in request.headers.items() if k.lower() in ("stripe-signature", "content-type", "user-agent")}
    found = ingest.Incoming("stripe", str(event["id"]), str(event["type"]), kept, body, stripe_events.resource(event))
    stored = ingest.store_delivery(shop(), found)
    status = handlers.process(shop(), stored.id) if stored.created else stored.status
    return jsonify({"delivery_id": stored.id, "status": status, "duplicate": not stored.created}), 200


@bp.post("/shopify")
def shopify_webhook() -> Response | tuple[Response, int]:
    """Shopify orders/* and fulfillments/* topics."""
    return _receive("shopify")


@bp.post("/woocommerce")
def woocommerce_webhook() -> Response | tuple[Response, int]:
    """WooCommerce order.created and order.updated (and the creation ping)."""
    return _receive("woocommerce")


@bp.post("/easypost")
def easypost_webhook() -> Response | tuple[Response, int]:
    """EasyPost tracker.updated events."""
    return _receive("easypost")


@bp.post("/aftership")
def aftership_webhook() -> Response | tuple[Response, int]:
    """AfterShip tracking_update events."""
    return _receive("aftership")
