"""A store's product export into the catalogue: Shopify's and WooCommerce's layouts, refused rows
with their reasons, and a second run that changes nothing (products by handle, variants by SKU)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from core.errors import ValidationFailed
from core.events.fact import Actor
from core.integrations.product_import import ImportReport, import_products, read_products
from core.models import Event, Product, Variant
from core.shop import Shop

DATA = Path(__file__).parent / "data"
SHOPIFY, WOO = DATA / "shopify_products.csv", DATA / "woocommerce_products.csv"
IMPORTER = Actor("integration", "test-import")


def _import(shop: Shop, path: Path, layout: str | None = None) -> ImportReport:
    found, header, groups = read_products(path, layout=layout, currency="USD")
    return import_products(shop, groups, actor=IMPORTER, layout=found, header=header, reference=path.name)


def _variants(shop: Shop) -> dict[str, Variant]:
    with shop.db.read() as session:
        return {v.sku: v for v in session.scalars(select(Variant))}


def _products(shop: Shop) -> dict[str, Product]:
    with shop.db.read() as session:
        return {p.handle: p for p in session.scalars(select(Product))}


def _types(shop: Shop) -> list[str]:
    with shop.db.read() as session:
        return list(session.scalars(select(Event.type).order_by(Event.id)))


def test_shopifys_export_becomes_products_with_their_variants_and_stock(shop: Shop) -> None:
    report = _import(shop, SHOPIFY)
    assert (report.layout, report.counts, report.stock_set) == (
        "shopify", {"created": 3, "updated": 0, "unchanged": 0}, 5
    )  # fmt: skip
    products = _products(shop)
    assert sorted(products) == ["canvas-market-tote", "harbour-linen-shirt", "ridge-wool-beanie"]
    shirt = products["harbour-linen-shirt"]
    assert (shirt.name, shirt.option_names, shirt.image_url, shirt.backorders) == (
        "Harbour Linen Shirt", ["Size", "Color"], "https://cdn.example.com/harbour-linen-navy.jpg", False
    )  # fmt: skip
    variants = _variants(shop)
    navy = variants["HLS-M-NAVY"]
    assert (navy.title, navy.price_minor, navy.compare_at_minor, navy.weight_grams) == ("M / Navy", 4800, 6000, 225)
    assert (navy.barcode, navy.on_hand, navy.final_sale) == ("0850000000028", 8, False)
    assert variants["HLS-S-SAND"].image_url == "https://cdn.example.com/harbour-linen-sand.jpg"
    tote = variants["CMT-1"]
    assert (tote.title, tote.option_values, tote.final_sale, tote.on_hand) == ("Default Title", [], True, 30)
    assert products["canvas-market-tote"].backorders is True
    assert _types(shop).count("product.created") == 3
    assert _types(shop).count("stock.set") == 5


def test_refused_rows_come_back_with_their_column_and_reason_and_the_rest_goes_in(shop: Shop) -> None:
    report = _import(shop, SHOPIFY)
    refused = [(r.line, r.row["Handle"], r.field) for r in report.refused]
    assert refused == [
        (9, "ridge-wool-beanie", "Variant Price"),
        (10, "ridge-wool-beanie", "Variant SKU"),
        (11, "driftwood-candle", "Variant Price"),
    ]
    assert "'twenty' is not an amount" in report.refused[0].message
    assert "cannot be negative" in report.refused[2].message
    assert "RWB-CHAR" in _variants(shop)
    assert "driftwood-candle" not in _products(shop)


def test_a_second_run_changes_nothing_and_a_changed_row_updates_in_place(shop: Shop, tmp_path: Path) -> None:
    _import(shop, SHOPIFY)
    events = len(_types(shop))
    again = _import(shop, SHOPIFY)
    assert (again.counts, again.stock_set) == ({"created": 0, "updated": 0, "unchanged": 3}, 0)
    assert len(_types(shop)) == events
    changed = tmp_path / "changed.csv"
    changed.write_text(
        SHOPIFY.read_text().replace(
            "CMT-1,540,shopify,30,continue,manual,18.00", "CMT-1,540,shopify,25,continue,manual,16.00"
        )
    )
    third = _import(shop, changed)
    assert (third.counts["updated"], third.stock_set) == (1, 1)
    tote = _variants(shop)["CMT-1"]
    assert (tote.price_minor, tote.on_hand) == (1600, 25)
    assert len(_variants(shop)) == 6  # 4 shirts, the tote, one beanie: no duplicates


def test_woocommerces_export_becomes_products_with_their_variations(shop: Shop) -> None:
    report = _import(shop, WOO)
    assert (report.layout, report.counts["created"]) == ("woocommerce", 2)
    assert [(r.line, r.field) for r in report.refused] == [(6, "Type"), (7, "Type")]
    hoodie = _products(shop)["trail-hoodie"]
    assert (hoodie.name, hoodie.option_names, hoodie.image_url) == (
        "Trail Hoodie", ["Size", "Color"], "https://cdn.example.com/hoodie.jpg"
    )  # fmt: skip
    variants = _variants(shop)
    small = variants["TRAIL-HOODIE-S"]
    assert (small.title, small.price_minor, small.compare_at_minor, small.weight_grams) == (
        "S / Forest",
        4900,
        5900,
        580,
    )
    assert (small.on_hand, small.reorder_point) == (14, 3)
    assert (variants["TRAIL-HOODIE-M"].price_minor, variants["TRAIL-HOODIE-M"].compare_at_minor) == (5900, None)
    cup = variants["ENAMEL-CUP"]
    assert (cup.title, cup.price_minor, cup.weight_grams, cup.on_hand) == ("Default Title", 1250, 150, 40)
    assert _products(shop)["enamel-cup"].backorders is True
    assert _import(shop, WOO).counts["unchanged"] == 2


def test_a_file_that_is_no_product_export_is_refused_whole(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("order_number,sku\nH-1,TEE\n")
    with pytest.raises(ValidationFailed, match="Not a Shopify or WooCommerce product export"):
        read_products(orders, layout=None, currency="USD")
    with pytest.raises(ValidationFailed, match="not a woocommerce product export"):
        read_products(SHOPIFY, layout="woocommerce", currency="USD")
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not text")
    with pytest.raises(ValidationFailed, match="not a UTF-8 CSV"):
        read_products(binary, layout=None, currency="USD")


def test_the_command_shows_progress_writes_the_error_file_and_prints_its_path(app: Flask, tmp_path: Path) -> None:
    source = tmp_path / "products_export.csv"
    shutil.copy(SHOPIFY, source)
    result = app.test_cli_runner().invoke(args=["catalog", "import", str(source), "--format", "shopify"])
    assert result.exit_code == 0, result.output
    assert "Importing 4 products" in result.output
    assert "shopify: 3 products created, 0 updated, 0 unchanged; 5 stock counts set; 3 rows refused." in result.output
    errors = tmp_path / "products_export.errors.csv"
    assert str(errors) in result.output
    rows = list(csv.DictReader(errors.open(encoding="utf-8")))
    assert [(r["Shiplog line"], r["Variant SKU"], r["Shiplog field"]) for r in rows] == [
        ("9", "RWB-RUST", "Variant Price"), ("10", "", "Variant SKU"), ("11", "DWC-1", "Variant Price"),
    ]  # fmt: skip
    assert rows[0]["Handle"] == "ridge-wool-beanie"


def test_the_command_refuses_a_file_it_cannot_read_with_a_message(app: Flask, tmp_path: Path) -> None:
    source = tmp_path / "notes.csv"
    source.write_text("a,b\n1,2\n")
    result = app.test_cli_runner().invoke(args=["catalog", "import", str(source)])
    assert result.exit_code == 1
    assert "Not a Shopify or WooCommerce product export" in result.output


def test_a_control_character_anywhere_refuses_its_row_by_column(shop: Shop, tmp_path: Path) -> None:
    text = SHOPIFY.read_text()
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(
        text.replace("Canvas Market Tote", "Canvas\x00Tote").replace(
            ",,,Sand,,,,,HLS-S-SAND", ",,,Sa\x1bnd,,,,,HLS-S-SAND"
        )
    )
    report = _import(shop, hostile)
    by_line = {r.line: (r.field, r.message) for r in report.refused}
    assert by_line[7][0] == "title"
    assert by_line[4][0] == "Option2 Value"
    assert "canvas-market-tote" not in _products(shop)
