"""Outbound webhooks, on both backends, against a local receiver (``webhook_peer``): each event an
endpoint subscribes to arrives once, signed as docs/webhooks.md says; a 500 is retried; a receiver
that always fails ends in the dead letters, and staff replay delivers it."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.clock import utcnow
from core.events.fact import Actor
from core.models import Order, OutboxMessage
from core.services import ordering, scan_batch
from core.services import webhooks as services
from core.shop import Shop
from notifications import deadletters
from tests import factories
from tests.integration.notifications.conftest import deliver, make_app
from tests.integration.notifications.webhook_peer import WebhookPeer

MANAGER = Actor("staff", "manager@example.com", role="manager")
STAFF = Actor("staff", "staff@example.com", role="staff")


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """docs/webhooks.md's receiver check: HMAC-SHA256 of "t.body", and a timestamp close to now."""
    fields = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(fields["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


@pytest.fixture
def peer() -> Iterator[WebhookPeer]:
    with WebhookPeer() as receiver:
        yield receiver


@pytest.fixture
def app(shop: Shop) -> Flask:
    """Retries due at once (no backoff) and three attempts, so a test sees the whole story in one drain."""
    return make_app(shop, NOTIFY_BACKOFF_BASE_SECONDS=0.0, NOTIFY_MAX_ATTEMPTS=3)


def _rows(shop: Shop) -> list[OutboxMessage]:
    with shop.db.read() as session:
        query = select(OutboxMessage).where(OutboxMessage.channel == "webhook").order_by(OutboxMessage.id)
        return list(session.scalars(query))


def _hold_and_release(shop: Shop, order: Order) -> None:
    ordering.hold_order(shop, order.id, reason="manual", actor=STAFF, notify=False)
    ordering.release_order(shop, order.id, actor=STAFF)


def test_each_subscribed_event_arrives_once_signed(
    shop: Shop, app: Flask, peer: WebhookPeer, confirmed_order: Order
) -> None:
    _, secret = services.add_endpoint(shop, url=peer.url, event_types=["order.held", "order.released"], actor=MANAGER)
    with WebhookPeer() as other:
        services.add_endpoint(shop, url=other.url, event_types=["refund.issued"], actor=MANAGER)
        _hold_and_release(shop, confirmed_order)  # "don't notify" silences the customer, not the shop's systems
        first, again = deliver(app), deliver(app)
        assert other.received == []
    assert first.counts["sent"] >= 2
    assert again.handled == 0
    assert [json.loads(r.body)["type"] for r in peer.received] == ["order.held", "order.released"]
    for request in peer.received:
        assert verify(secret, request.headers["Shiplog-Signature"], request.body)
        assert not verify("whsec_wrong", request.headers["Shiplog-Signature"], request.body)
        assert request.headers["Content-Type"] == "application/json"
        body = json.loads(request.body)
        assert request.headers["Shiplog-Event"] == body["type"]
        assert body["order_number"] == confirmed_order.number
        assert body["payload"]["transitions"]["order"]
    assert [r.headers["Shiplog-Delivery"] for r in peer.received] == [str(r.id) for r in _rows(shop)]
    assert {(r.status, r.attempts, r.provider_status) for r in _rows(shop)} == {("sent", 1, "HTTP 200")}


def test_a_receiver_answering_500_then_200_gets_a_retry(
    shop: Shop, app: Flask, peer: WebhookPeer, confirmed_order: Order
) -> None:
    secret = services.add_endpoint(shop, url=peer.url, event_types=["order.held"], actor=MANAGER)[1]
    peer.script = [500]
    ordering.hold_order(shop, confirmed_order.id, reason="manual", actor=STAFF)
    deliver(app)
    assert len(peer.received) == 2
    assert peer.received[0].body == peer.received[1].body
    assert all(verify(secret, r.headers["Shiplog-Signature"], r.body) for r in peer.received)
    (row,) = _rows(shop)
    assert (row.status, row.attempts, row.provider_status) == ("sent", 2, "HTTP 200")


def test_one_always_failing_ends_dead_and_a_replay_delivers_it(
    shop: Shop, app: Flask, peer: WebhookPeer, confirmed_order: Order
) -> None:
    services.add_endpoint(shop, url=peer.url, event_types=["*"], actor=MANAGER)
    peer.then = 500
    ordering.hold_order(shop, confirmed_order.id, reason="manual", actor=STAFF)
    deliver(app)
    (row,) = _rows(shop)
    assert (row.status, row.attempts, row.provider_status) == ("dead", 3, "HTTP 500")
    assert "receiver says no" in (row.last_error or "")
    assert [m.id for m in deadletters.list_dead(shop) if m.channel == "webhook"] == [row.id]
    peer.then = 200
    client = _signed_in(app, shop, "staff")  # replaying is notification.retry: staff may
    answer = client.post(f"/staff/outbound-webhooks/deliveries/{row.id}/replay", data={"csrf_token": _token(client)})
    assert answer.status_code == 303
    deliver(app)
    assert len(peer.received) == 4
    (row,) = _rows(shop)
    assert (row.status, row.provider_status) == ("sent", "HTTP 200")


def test_carrier_scans_in_bulk_are_delivered_too(
    shop: Shop, app: Flask, peer: WebhookPeer, shipped_order: Order
) -> None:
    services.add_endpoint(shop, url=peer.url, event_types=["shipment.in_transit"], actor=MANAGER)
    start = utcnow()
    scans = [
        scan_batch.CarrierScan(
            factories.TRACKING, "in_transit", start + timedelta(minutes=n), f"Hub {n}", external_id=f"x{n}"
        )
        for n in range(3)
    ]
    outcomes = scan_batch.record_scans(shop, scans, actor=Actor("carrier", "ups"))
    assert [o.outcome for o in outcomes] == ["recorded"] * 3
    deliver(app)
    assert [json.loads(r.body)["payload"].get("location") for r in peer.received] == ["Hub 0", "Hub 1", "Hub 2"]


def test_a_removed_endpoint_hears_nothing_more(
    shop: Shop, app: Flask, peer: WebhookPeer, confirmed_order: Order
) -> None:
    endpoint, _ = services.add_endpoint(shop, url=peer.url, event_types=["order.held"], actor=MANAGER)
    ordering.hold_order(shop, confirmed_order.id, reason="manual", actor=STAFF)
    services.remove_endpoint(shop, endpoint.id, actor=MANAGER)
    deliver(app)
    assert peer.received == []
    assert [r.status for r in _rows(shop)] == ["skipped"]


def test_bad_endpoints_are_refused_and_staff_may_not_add_one(shop: Shop) -> None:
    from core.errors import NotPermitted, ValidationFailed

    for url, types in (("ftp://x.example", ["*"]), ("https://x.example", ["order.nope"]), ("https://x.example", [])):
        with pytest.raises(ValidationFailed):
            services.add_endpoint(shop, url=url, event_types=types, actor=MANAGER)
    with pytest.raises(NotPermitted):
        services.add_endpoint(shop, url="https://x.example", event_types=["*"], actor=STAFF)


# The staff page ---------------------------------------------------------------------------------


def _token(client: Any) -> str:
    from tests.integration.staff.conftest import csrf_token

    return csrf_token(client, "/staff/outbound-webhooks/")


def _signed_in(app: Flask, shop: Shop, role: str) -> Any:
    from core.services.access import create_staff_user
    from tests.integration.staff.conftest import PASSWORD, csrf_token

    client = app.test_client()
    email = f"{role}-hooks@example.com"
    create_staff_user(shop, email=email, password=PASSWORD, role=role)
    answer = client.post("/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert answer.status_code == 302
    return client


def test_the_staff_page_adds_lists_and_removes_endpoints(
    shop: Shop, app: Flask, peer: WebhookPeer, confirmed_order: Order
) -> None:
    manager = _signed_in(app, shop, "manager")
    form = {"url": peer.url, "event_type": ["order.held"], "description": "ERP", "csrf_token": _token(manager)}
    assert manager.post("/staff/outbound-webhooks/endpoints", data=form).status_code == 303
    ordering.hold_order(shop, confirmed_order.id, reason="manual", actor=STAFF)
    deliver(app)
    html = manager.get("/staff/outbound-webhooks/").get_data(as_text=True)
    (endpoint,) = services_endpoints(shop)
    assert peer.url in html
    assert "ERP" in html
    assert endpoint.secret in html
    assert "order.held" in html
    assert "HTTP 200" in html
    assert ">sent<" in html
    staff = _signed_in(app, shop, "staff")
    staff_html = staff.get("/staff/outbound-webhooks/").get_data(as_text=True)
    assert endpoint.secret not in staff_html
    assert "ask a manager" in staff_html
    refused = staff.post("/staff/outbound-webhooks/endpoints", data={**form, "csrf_token": _token(staff)})
    assert refused.status_code == 403
    removal = f"/staff/outbound-webhooks/endpoints/{endpoint.id}/remove"
    manager.post(removal, data={"csrf_token": _token(manager)})  # unconfirmed: nothing removed
    assert len(services_endpoints(shop)) == 1
    manager.post(removal, data={"csrf_token": _token(manager), "confirm": "1"})
    assert services_endpoints(shop) == []


def services_endpoints(shop: Shop) -> list[Any]:
    from notifications import webhook_deliveries

    return webhook_deliveries.endpoints(shop)


def test_the_cli_adds_lists_replays_and_removes(
    shop: Shop, app: Flask, peer: WebhookPeer, confirmed_order: Order
) -> None:
    runner = app.test_cli_runner()
    added = runner.invoke(args=["outbound-webhooks", "add", peer.url, "--event", "order.held"])
    assert added.exit_code == 0, added.output
    secret = added.stdout.strip().splitlines()[0]
    assert secret.startswith("whsec_")
    assert peer.url in runner.invoke(args=["outbound-webhooks", "list"]).output
    assert runner.invoke(args=["outbound-webhooks", "add", peer.url, "--event", "order.nope"]).exit_code != 0
    ordering.hold_order(shop, confirmed_order.id, reason="manual", actor=STAFF)
    deliver(app)
    (row,) = _rows(shop)
    assert f"{row.id}\tsent\t1\tHTTP 200" in runner.invoke(args=["outbound-webhooks", "deliveries"]).output
    assert runner.invoke(args=["outbound-webhooks", "replay", str(row.id)]).exit_code == 0
    deliver(app)
    assert len(peer.received) == 2
    assert all(verify(secret, r.headers["Shiplog-Signature"], r.body) for r in peer.received)
    assert runner.invoke(args=["outbound-webhooks", "remove", str(row.webhook_id)]).exit_code == 0
    assert runner.invoke(args=["outbound-webhooks", "list"]).output == ""
