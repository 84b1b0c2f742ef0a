"""The JSON API: keys and scopes, validation per field, the order flow, idempotency, cursors."""

from __future__ import annotations

import threading

import orjson
from sqlalchemy import func, select

from core.clock import utcnow
from core.models import Event, IdempotencyRecord, Order
from core.shop import Shop
from tests.integration.api.conftest import Call, order_body

TIME_MESSAGE = "Must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T14:00:00Z."


def test_requests_without_a_valid_key_get_401(app_shop: Shop, app_catalog: dict[str, int], call: Call) -> None:
    response = call("GET", "/events", key="slk_nope")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_a_read_key_cannot_write(app_shop: Shop, app_catalog: dict[str, int], call: Call, read_key: str) -> None:
    response = call("POST", "/orders", key=read_key, json=order_body())
    assert response.status_code == 403
    assert call("GET", "/events", key=read_key).status_code == 200


def test_invalid_body_gets_one_message_per_field(app_shop: Shop, app_catalog: dict[str, int], call: Call) -> None:
    body = order_body(email="", lines=[{"sku": "TEE-M", "quantity": 0}], shipping_minor=-1, colour="red")
    response = call("POST", "/orders", json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"email", "lines[0].quantity", "shipping_minor", "colour"}


def test_not_json_is_400_and_wrong_type_is_415(app_shop: Shop, app_catalog: dict[str, int], call: Call) -> None:
    assert call("POST", "/orders", data="{", content_type="application/json").status_code == 400
    assert call("POST", "/orders", data="a=1", content_type="text/plain").status_code == 415
    # Not JSON either: NaN (a lone surrogate, once accepted and then a 500 when stored, is a 422 naming its field).
    body = orjson.dumps(order_body(shipping_minor=0)).decode()
    with_bom = "\ufeff" + body  # UTF-8 with a byte order mark is still UTF-8 JSON; UTF-16 is not JSON here
    assert call("POST", "/orders", data=with_bom.encode(), content_type="application/json").status_code == 201
    assert call("POST", "/orders", data=body.encode("utf-16"), content_type="application/json").status_code == 400
    deep = body.replace(":0", ":" + "[" * 100_000 + "]" * 100_000)
    for broken in (body.replace(":0", ":NaN"), body + "x", deep):
        assert call("POST", "/orders", data=broken, content_type="application/json").status_code == 400, broken
    surrogate = call(
        "POST", "/orders", data=body.replace('"Api Buyer"', '"Api \\ud800"', 1), content_type="application/json"
    )
    assert (surrogate.status_code, list(surrogate.get_json()["errors"])) == (422, ["name"])


def test_a_repeated_key_counts_once_with_its_last_value(
    app_shop: Shop, app_catalog: dict[str, int], call: Call
) -> None:
    body = orjson.dumps(order_body()).decode().replace('{"email":', '{"email":5,"email":', 1)
    assert call("POST", "/orders", data=body, content_type="application/json").status_code == 201
    body = (
        orjson.dumps(order_body())
        .decode()
        .replace('{"email":"api@example.com"', '{"email":"api@example.com","email":""', 1)
    )
    response = call("POST", "/orders", data=body, content_type="application/json")
    assert (response.status_code, response.get_json()["errors"]) == (422, {"email": "Must have at least 3 characters."})


def test_times_need_a_zone_and_every_bad_event_is_named(
    app_shop: Shop, app_catalog: dict[str, int], call: Call
) -> None:
    naive = {"tracking_number": "1ZNAIVE00001", "status": "in_transit", "occurred_at": "2025-01-01T10:00:00"}
    single = call("POST", "/tracking-events", json=naive)
    assert single.status_code == 422
    assert single.mimetype == "application/problem+json"
    assert single.get_json()["detail"] == f"occurred_at: {TIME_MESSAGE}"
    good = {**naive, "occurred_at": "2025-01-01t10:00:00z"}
    batch = call("POST", "/tracking-events/batch", json={"events": [good, naive, good, {**good, "carrier": "ups"}]})
    assert batch.status_code == 422
    assert batch.get_json()["errors"] == {"events[1].occurred_at": TIME_MESSAGE, "events[3].carrier": "Unknown field."}


def test_patterns_refuse_a_final_newline(app_shop: Shop, app_catalog: dict[str, int], call: Call) -> None:
    number = call("POST", "/orders", json=order_body()).get_json()["number"]
    response = call("POST", f"/orders/{number}/shipments", json={"carrier": "ups\n", "tracking_number": "1ZNL00000001"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"carrier": "Does not match the expected format ^[a-z0-9]{2,32}$."}


def test_domain_errors_name_the_field(app_shop: Shop, app_catalog: dict[str, int], call: Call) -> None:
    response = call("POST", "/orders", json=order_body(lines=[{"sku": "NOPE", "quantity": 1}]))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"lines[0].sku": "Unknown SKU 'NOPE'."}


def test_order_shipment_tracking_and_read_back(app_shop: Shop, app_catalog: dict[str, int], call: Call) -> None:
    created = call("POST", "/orders", json=order_body())
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["number"]
    assert created.get_json()["status"] == "confirmed"

    shipment = call("POST", f"/orders/{number}/shipments", json={"carrier": "ups", "tracking_number": "1ZAPI0000001"})
    assert shipment.status_code == 201, shipment.get_json()
    assert shipment.get_json()["status"] == "label_created"

    scan = {
        "tracking_number": "1ZAPI0000001",
        "status": "in_transit",
        "occurred_at": utcnow().isoformat(),
        "external_id": "c-1",
    }
    first = call("POST", "/tracking-events", json=scan)
    again = call("POST", "/tracking-events", json=scan)
    assert (first.status_code, first.get_json()["outcome"]) == (201, "recorded")
    assert (again.status_code, again.get_json()["outcome"]) == (200, "duplicate")

    order = call("GET", f"/orders/{number}").get_json()
    assert order["status"] == "shipped"
    assert [e["type"] for e in order["events"]][-3:] == ["shipment.created", "shipment.shipped", "shipment.in_transit"]


def test_batch_reports_each_event(app_shop: Shop, app_catalog: dict[str, int], call: Call) -> None:
    number = call("POST", "/orders", json=order_body()).get_json()["number"]
    call("POST", f"/orders/{number}/shipments", json={"carrier": "ups", "tracking_number": "1ZBATCH00001"})
    now = utcnow().isoformat()
    events = [
        {"tracking_number": "1ZBATCH00001", "status": "in_transit", "occurred_at": now, "external_id": "b-1"},
        {"tracking_number": "1ZBATCH00001", "status": "in_transit", "occurred_at": now, "external_id": "b-1"},
        {"tracking_number": "1ZUNKNOWN0001", "status": "in_transit", "occurred_at": now},
        {"tracking_number": "1ZBATCH00001", "status": "exception", "occurred_at": now},
    ]
    body = call("POST", "/tracking-events/batch", json={"events": events}).get_json()
    assert [r["outcome"] for r in body["results"]] == ["recorded", "duplicate", "rejected", "rejected"]
    assert body["results"][3]["field"] == "exception_reason"
    assert (body["recorded"], body["duplicates"], body["rejected"]) == (1, 1, 2)


def test_idempotency_key_replays_and_refuses_a_different_body(
    app_shop: Shop, app_catalog: dict[str, int], call: Call
) -> None:
    key = {"Idempotency-Key": "order-42"}
    first = call("POST", "/orders", json=order_body(), headers=key)
    replay = call("POST", "/orders", json=order_body(), headers=key)
    other = call("POST", "/orders", json=order_body(name="Someone Else"), headers=key)

    assert first.status_code == replay.status_code == 201
    assert replay.get_json() == first.get_json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    with app_shop.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1


def test_concurrent_duplicates_execute_once(app, app_shop: Shop, app_catalog: dict[str, int], write_key: str) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {write_key}", "Idempotency-Key": "race-1"}
    results: list[int] = []

    def send() -> None:
        with app.test_client() as client:
            results.append(client.post("/api/v1/orders", json=order_body(), headers=headers).status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(results) <= {201, 409}
    assert 201 in results
    with app_shop.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1


def test_events_since_a_cursor_page_through_everything(app_shop: Shop, app_catalog: dict[str, int], call: Call) -> None:
    for _ in range(3):
        call("POST", "/orders", json=order_body())
    with app_shop.db.read() as session:
        total = session.scalar(select(func.count()).select_from(Event))
    seen, cursor = [], 0
    while True:
        page = call("GET", f"/events?after={cursor}&limit=4").get_json()
        seen += [e["id"] for e in page["events"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert len(seen) == total
    assert seen == sorted(seen)
    assert call("GET", "/events?after=-1").status_code == 400
    assert call("GET", "/events?limit=abc").status_code == 400
