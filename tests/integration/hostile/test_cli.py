"""The command line on both backends: a CSV import reports a row with a refused character by its
field (the other orders go in); a stored webhook body comes back out byte for byte, and a failed
delivery is processed again from those bytes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from core.integrations.signatures import SCHEMES
from core.models import Event, Order, WebhookDelivery
from core.shop import Shop
from tests import factories
from tests.integration.webhooks import payloads
from tests.integration.webhooks.conftest import SECRETS

HEADER = "order_number,placed_at,email,name,sku,quantity,note,ship_line1,ship_city,ship_postal_code,ship_country,cancelled_at\n"
CANCELLED = "2024-03-02T10:00:00Z"  # the status these past orders ended in, told by its time
ROWS = [
    f'H-1,2024-03-01T10:00:00Z,a@example.com,Ada,TEE-M,1,"two\nlines",1 Elm St,Springfield,12345,US,{CANCELLED}',
    f"H-2,2024-03-01T10:00:00Z,b@example.com,B\x00b,TEE-M,1,,1 Elm St,Springfield,12345,US,{CANCELLED}",
    f"H-3,2024-03-01T10:00:00Z,c@example.com,Cy,TEE-M\x00,1,,1 Elm St,Springfield,12345,US,{CANCELLED}",
    f"H-4,2024-03-01T10:00:00Z,d@example.com,Di,TEE-M,1,,1 Elm St\x1b,Springfield,12345,US,{CANCELLED}",
    f"H-5\x00,2024-03-01T10:00:00Z,e@example.com,Ed,TEE-M,1,,1 Elm St,Springfield,12345,US,{CANCELLED}",
]


def test_import_reports_each_refused_character_by_its_field(
    app: Flask, app_shop: Shop, catalog: dict[str, int], tmp_path: Path
) -> None:
    source = tmp_path / "orders.csv"
    source.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["import-orders", str(source)])

    assert result.exit_code == 0, result.output
    assert "1 imported, 0 already there, 4 with errors" in result.output
    with app_shop.db.read() as session:
        assert [(o.number, o.note) for o in session.scalars(select(Order))] == [("H-1", "two\nlines")]
    report = {row["order_number"]: row for row in csv.DictReader((tmp_path / "orders.errors.csv").open())}
    fields = {number.replace("\x00", "\\x00"): row["field"] for number, row in report.items()}
    assert fields == {"H-2": "name", "H-3": "lines[0].sku", "H-4": "shipping_address.line1", "H-5\\x00": "source_ref"}
    assert "U+0000 (a control character)" in report["H-2"]["error"]


def test_a_failed_raw_body_comes_out_as_sent_and_is_processed_again_from_it(
    app: Flask, app_shop: Shop, catalog: dict[str, int]
) -> None:
    """A parcel update that came before its parcel fails; once the parcel exists, the stored bytes
    (a NUL in the message, as \\u0000) are processed again and the scan is recorded, cleaned."""
    event = payloads.easypost_event("1ZLATER00001", "in_transit", event_id="evt_late")
    event["result"]["tracking_details"][0]["message"] = "Arrived\u0000 at hub"
    body = json.dumps(event).encode()
    header, _, signer = SCHEMES["easypost"]
    sent = app.test_client().post(
        "/webhooks/easypost",
        data=body,
        headers={header: signer(SECRETS["easypost"], body)},
        content_type="application/json",
    )
    assert sent.get_json()["status"] == "failed"
    delivery_id = sent.get_json()["delivery_id"]

    dumped = app.test_cli_runner().invoke(args=["webhooks", "body", str(delivery_id)])
    assert dumped.stdout_bytes == body
    order = factories.place(app_shop, phone=None, sms_consent=False)
    factories.ship_all(app_shop, order.id, tracking_number="1ZLATER00001")
    processed = app.test_cli_runner().invoke(args=["webhooks", "process", "--retry-failed"])

    assert "1 processed" in processed.output
    with app_shop.db.read() as session:
        assert session.get_one(WebhookDelivery, delivery_id).status == "processed"
        found = session.scalars(select(Event.payload).where(Event.shipment_id.is_not(None))).all()
    assert "Arrived at hub" in [payload.get("message") for payload in found]
