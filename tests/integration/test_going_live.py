"""docs/going-live.md, step by step, in its order: an empty database, ``db upgrade``, ``setup``, the settings page,
an API key, the catalogue, a signed Shopify ``orders/create``, and the order in the hub and the API.

Through the same commands (Flask's CLI runner) and pages (the test client) a shop uses, on an app built from
configuration alone (no Shop handed in), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.integrations.signatures import SCHEMES
from core.models import Order, StaffUser
from tests.integration.staff.conftest import csrf_token
from tests.shared_fixtures import FIXTURES

SECRET = "shpss_going_live"
SAMPLE = Path(__file__).parent / "catalog" / "data" / "shopify_products.csv"  # Shopify's product export layout
PASSWORD = "a long enough password"


@pytest.fixture
def live_app(empty_url: str) -> Flask:
    from wsgi import create_app

    config = {"DATABASE_URL": empty_url, "SECRET_KEY": "k", "PUBLIC_BASE_URL": "http://localhost", "TESTING": True}
    app = create_app(config | {"RATELIMIT_STORAGE_URI": "memory://", "SHOPIFY_WEBHOOK_SECRET": SECRET})
    yield app
    app.extensions["shiplog.shop"].db.dispose()


def cli(app: Flask, *args: str) -> Result:
    """``flask --app wsgi <args>`` (the real ``flask`` command runs each in an app context too)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def step_1_migrate(app: Flask) -> None:
    result = cli(app, "db", "upgrade")
    assert result.exit_code == 0
    assert "database is up to date" in result.output
    assert cli(app, "setup", "--check").exit_code == 3


def step_2_setup(app: Flask) -> None:
    flags = ["--manager-email", "owner@harbour.example", "--password", PASSWORD, "--shop-name", "Harbour Coffee"]
    refused = cli(app, "setup", *flags, "--timezone", "Mars/Olympus", "--currency", "EUR")
    assert refused.exit_code == 2
    assert "--timezone" in refused.stderr
    with app.extensions["shiplog.shop"].db.read() as session:
        assert session.scalar(select(StaffUser.id)) is None  # nothing half-written
    # USD: the catalogue is priced in the shop's currency, and Shopify's fixture order is in USD.
    done = cli(app, "setup", *flags, "--timezone", "Europe/Berlin", "--currency", "USD")
    assert done.exit_code == 0, done.output
    assert "/staff/settings" in done.output


def step_3_settings(client: FlaskClient) -> None:
    token = csrf_token(client)
    signed_in = client.post(
        "/staff/login", data={"email": "owner@harbour.example", "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    form = client.get("/staff/settings").get_data(as_text=True)
    assert 'value="Harbour Coffee"' in form
    assert 'value="Europe/Berlin"' in form
    values = {"shop_name": "Harbour Coffee Roasters", "support_email": "care@harbour.example"}
    saved = client.post("/staff/settings", data={"csrf_token": csrf_token(client, "/staff/settings"), **values})
    assert saved.status_code == 303
    public = client.get("/").get_data(as_text=True)
    assert "<span>Harbour Coffee Roasters</span>" in public
    assert "care@harbour.example" in public


def step_4_api_key(app: Flask) -> str:
    result = cli(app, "api-keys", "create", "--scope", "write")
    assert result.exit_code == 0
    return result.stdout.strip()


def step_5_catalogue(app: Flask, folder: Path) -> None:
    """``catalog import`` of a Shopify product export holding the SKUs of Shopify's fixture order."""
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, first = list(reader.fieldnames or []), next(reader)
    export = folder / "products_export.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        for n, colour in enumerate(("GREEN", "RED", "BLACK")):
            head = {"Handle": "ipod-nano", "Title": "IPod Nano - 8gb", "Option1 Name": "Color"} if n == 0 else {}
            row = dict.fromkeys(header, "") | ({k: first[k] for k in header} if n == 0 else {"Handle": "ipod-nano"})
            row |= head | {"Option1 Value": colour, "Variant SKU": f"IPOD2008{colour}", "Variant Price": "199.00"}
            row |= {"Variant Inventory Qty": "20", "Variant Compare At Price": "", "Variant Barcode": ""}
            row |= {f"Option{i} {part}": "" for i in (2, 3) for part in ("Name", "Value")}  # one option: Color
            writer.writerow(row)
    result = cli(app, "catalog", "import", str(export), "--format", "shopify")
    assert result.exit_code == 0, result.output
    assert "1 products created" in result.output
    assert "0 rows refused" in result.output


def step_6_connect(app: Flask) -> None:
    flags = ["--shop-domain", "harbour.myshopify.com", "--access-token", "shpat_going_live", "--webhook-secret", SECRET]
    result = cli(app, "stores", "connect", "shopify", *flags)
    assert result.exit_code == 0, result.output
    assert "harbour.myshopify.com" in result.output


def step_8_first_order(app: Flask, client: FlaskClient, key: str) -> None:
    order = json.loads((FIXTURES / "shopify-order.json").read_text())["order"]
    # Shopify's own sample counts two of its three lines in its totals: the store's money must add up.
    order.update({"financial_status": "paid", "note_attributes": [], "line_items": order["line_items"][:2]})
    raw = json.dumps(order).encode()
    header, _, sign = SCHEMES["shopify"]
    headers = {"Content-Type": "application/json", header: sign(SECRET, raw), "X-Shopify-Topic": "orders/create",
               "X-Shopify-Event-Id": "golive-1", "X-Shopify-Shop-Domain": "harbour.myshopify.com"}  # fmt: skip
    assert client.post("/webhooks/shopify", data=raw, headers=headers).status_code == 200
    with app.extensions["shiplog.shop"].db.read() as session:
        placed = session.scalar(select(Order).where(Order.channel == "shopify"))
    assert placed is not None
    assert placed.number == "1001"
    money = (placed.subtotal_minor, placed.tax_minor, placed.shipping_minor, placed.total_minor, placed.currency)
    assert money == (39800, 1194, 0, 40994, "USD")  # the store's exact money: 2 × 199.00 + 11.94 tax
    assert "1001" in client.get("/staff/?q=1001").get_data(as_text=True)
    read = client.get("/api/v1/orders/1001", headers={"Authorization": f"Bearer {key}"})
    assert read.status_code == 200
    assert read.get_json()["number"] == "1001"


def test_the_going_live_guide_runs_from_an_empty_install_to_a_shopify_order(live_app: Flask, tmp_path: Path) -> None:
    client = live_app.test_client()
    step_1_migrate(live_app)
    step_2_setup(live_app)
    step_3_settings(client)
    key = step_4_api_key(live_app)
    step_5_catalogue(live_app, tmp_path)
    step_6_connect(live_app)
    step_8_first_order(live_app, client, key)
