"""``flask import-orders``: past orders go in whole as history, bad ones are reported per row, reruns skip."""

from __future__ import annotations

import csv
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.models import Event, Order, OrderLine, OutboxMessage
from core.shop import Shop

HEADER = "order_number,placed_at,email,name,sku,quantity,unit_price,shipping,ship_line1,ship_city,ship_postal_code,ship_country,status,tracking_number,shipped_at,delivered_at\n"
SHIPPED = "1Z24CLI0001,2024-03-02T10:00:00Z,2024-03-04T10:00:00Z"
ROWS = [
    f"H-1001,2024-03-01T10:00:00Z,old@example.com,Old Customer,TEE-M,2,25.00,5.00,1 Elm St,Springfield,12345,US,delivered,{SHIPPED}",
    f"H-1001,2024-03-01T10:00:00Z,old@example.com,Old Customer,MUG-1,1,,5.00,1 Elm St,Springfield,12345,US,delivered,{SHIPPED}",
    "H-1002,2024-03-02T10:00:00Z,old@example.com,Old Customer,NOPE,1,,0,1 Elm St,Springfield,12345,US,delivered,1Z24CLI0002,2024-03-03T10:00:00Z,2024-03-05T10:00:00Z",
    "H-1003,yesterday,b@example.com,B,TEE-S,1,,0,1 Elm St,Springfield,12345,US,cancelled,,,",
    "H-1004,2024-03-03T10:00:00Z,c@example.com,C,TEE-S,1,,0,1 Elm St,Springfield,12345,US,processing,,,",
    "H-1004,2024-03-03T10:00:00Z,c@example.com,C,TEE-L,999,,0,1 Elm St,Springfield,12345,US,processing,,,",
]
HISTORY = Path(__file__).resolve().parents[2] / "fixtures" / "history-2024.csv"


def _run(app: Flask, path: Path) -> str:
    result = app.test_cli_runner().invoke(args=["import-orders", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def test_import_is_all_or_nothing_per_order_and_reports_errors(
    app: Flask, app_shop: Shop, catalog: dict[str, int], tmp_path: Path
) -> None:
    source = tmp_path / "orders.csv"
    source.write_text(HEADER + "\n".join(ROWS) + "\n")

    output = _run(app, source)

    assert "1 imported, 0 already there, 3 with errors" in output
    with app_shop.db.read() as session:
        orders = list(session.scalars(select(Order)))
        lines = session.scalar(select(func.count()).select_from(OrderLine))
        outbox = session.scalar(select(func.count()).select_from(OutboxMessage))
        placed = session.scalar(select(Event.occurred_at).where(Event.type == "order.placed"))
    assert [(o.number, o.channel, o.status) for o in orders] == [("H-1001", "import", "delivered")]
    assert lines == 2
    assert outbox == 0
    assert placed is not None
    assert placed.year == 2024
    report = list(csv.DictReader((tmp_path / "orders.errors.csv").open()))
    assert [(r["order_number"], r["rows"], r["field"]) for r in report] == [
        ("H-1002", "4", "lines[0].unit_price"),  # a SKU no longer sold needs the price it sold at
        ("H-1003", "5", "placed_at"),
        ("H-1004", "6 7", "status"),  # an open order is not history
    ]


def test_rerunning_an_import_skips_what_is_there(
    app: Flask, app_shop: Shop, catalog: dict[str, int], tmp_path: Path
) -> None:
    source = tmp_path / "orders.csv"
    source.write_text(HEADER + ROWS[0] + "\n")
    _run(app, source)
    assert "0 imported, 1 already there" in _run(app, source)


def test_the_documented_example_imports_and_reimports_as_nothing_new(
    app: Flask, app_shop: Shop, catalog: dict[str, int], tmp_path: Path, staff_client: FlaskClient
) -> None:
    report = tmp_path / "report.csv"
    first = app.test_cli_runner().invoke(args=["import-orders", str(HISTORY), "--report", str(report)])
    assert "6 imported, 0 already there, 0 with errors" in first.output, first.output
    again = app.test_cli_runner().invoke(args=["import-orders", str(HISTORY), "--report", str(report)])
    assert "0 imported, 6 already there, 0 with errors" in again.output
    assert report.read_text().splitlines() == ["rows,order_number,field,error"]
    page = staff_client.get("/staff/orders/H24-002").get_data(as_text=True)  # a line of a SKU no longer sold
    assert "HAT-WOOL-GREY" in page
    assert "Wool Hat" in page
    assert "imported" in page  # the payment's gateway
    tracking = app.test_client().get("/track/9400HIST0002")
    assert tracking.status_code == 200
    assert "Delivered" in tracking.get_data(as_text=True)


def test_missing_columns_stop_before_anything_is_written(app: Flask, app_shop: Shop, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("order_number,sku\nX,TEE-M\n")
    result = app.test_cli_runner().invoke(args=["import-orders", str(source)])
    assert result.exit_code != 0
    assert "missing column(s)" in result.output
