"""Products saved whole and again (no duplicates), variants changed, stock received, adjusted and set:
each change one event with before and after, bad input refused with nothing written."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from core.db import Database
from core.domain.commands import LineInput
from core.domain.products import ProductInput, VariantInput
from core.errors import NotFound, NotPermitted, ValidationFailed
from core.models import Product, Variant
from core.permissions import Permission, PermissionTable
from core.services import inventory, products
from core.shop import Shop
from tests import factories
from tests.integration.core import support

IMPORTER = factories.STAFF
TEE = ProductInput(
    handle="linen-shirt",
    title="Linen Shirt",
    option_names=("Size", "Color"),
    image_url="https://cdn.example.com/linen.jpg",
    return_policy_group="apparel",
    variants=[
        VariantInput(
            "LIN-M-NAVY", 4500, option_values=("M", "Navy"), compare_at_minor=5500, weight_grams=220,
            barcode="0123456789012", on_hand=7, reorder_point=2,
        ),
        VariantInput("LIN-L-NAVY", 4500, option_values=("L", "Navy"), weight_grams=240, on_hand=0),
    ],
)  # fmt: skip


def _variant(shop: Shop, sku: str) -> Variant:
    with shop.db.read() as session:
        return session.scalars(select(Variant).where(Variant.sku == sku)).one()


def test_a_new_product_is_written_whole_with_its_events(shop: Shop) -> None:
    saved = products.save_product(shop, TEE, actor=IMPORTER, reference="products.csv")
    assert (saved.outcome, saved.stock_set) == ("created", 1)
    shirt = _variant(shop, "LIN-M-NAVY")
    assert (shirt.title, shirt.option_values, shirt.price_minor, shirt.compare_at_minor) == (
        "M / Navy",
        ["M", "Navy"],
        4500,
        5500,
    )
    assert (shirt.weight_grams, shirt.barcode, shirt.currency, shirt.on_hand) == (220, "0123456789012", "USD", 7)
    with shop.db.read() as session:
        product = session.scalars(select(Product)).one()
        assert (product.option_names, product.return_policy_group, product.backorders) == (
            ["Size", "Color"],
            "apparel",
            False,
        )
    assert support.types(shop) == ["product.created", "stock.set"]
    counted = support.events(shop, type="stock.set")[0]
    assert counted.variant_id == shirt.id
    assert counted.payload | {"transitions": None} == {
        "sku": "LIN-M-NAVY", "before": 0, "after": 7, "delta": 7, "reason": "import",
        "reference": "products.csv", "transitions": None,
    }  # fmt: skip


def test_saving_the_same_product_again_changes_nothing_and_a_new_price_is_an_update(shop: Shop) -> None:
    products.save_product(shop, TEE, actor=IMPORTER)
    again = products.save_product(shop, TEE, actor=IMPORTER)
    assert again.outcome == "unchanged"
    assert support.row_counts(shop)["variants"] == 2
    assert len(support.events(shop)) == 2

    cheaper = replace(TEE, variants=[replace(TEE.variants[0], price_minor=3900), TEE.variants[1]])
    assert products.save_product(shop, cheaper, actor=IMPORTER).outcome == "updated"
    assert _variant(shop, "LIN-M-NAVY").price_minor == 3900
    assert support.events(shop, type="product.updated")[0].payload["changed"] == ["LIN-M-NAVY.price_minor"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price_minor": -1}, "variants[0].price_minor"),
        ({"currency": "XYZ"}, "variants[0].currency"),
        ({"currency": "usd"}, "variants[0].currency"),
        ({"compare_at_minor": -5}, "variants[0].compare_at_minor"),
        ({"option_values": ("M",)}, "variants[0]"),
        ({"sku": "LIN M"}, "variants[0].sku"),
        ({"image_url": "javascript:alert(1)"}, "variants[0].image_url"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(
    shop: Shop, change: dict[str, object], field: str
) -> None:
    before = support.row_counts(shop)
    bad = replace(TEE, variants=[replace(TEE.variants[0], **change), TEE.variants[1]])
    with pytest.raises(ValidationFailed) as refused:
        products.save_product(shop, bad, actor=IMPORTER)
    assert refused.value.field == field
    assert support.row_counts(shop) == before


def test_a_sku_of_another_product_is_refused(shop: Shop) -> None:
    products.save_product(shop, TEE, actor=IMPORTER)
    thief = replace(TEE, handle="other-shirt", variants=[TEE.variants[0]])
    with pytest.raises(ValidationFailed, match="already belongs to product linen-shirt"):
        products.save_product(shop, thief, actor=IMPORTER)


def test_a_variant_is_changed_field_by_field_and_checked_whole(shop: Shop) -> None:
    products.save_product(shop, TEE, actor=IMPORTER)
    products.update_variant(shop, "LIN-L-NAVY", {"option_values": ("L", "Sand"), "reorder_point": 3}, actor=IMPORTER)
    large = _variant(shop, "LIN-L-NAVY")
    assert (large.title, large.option_values, large.reorder_point) == ("L / Sand", ["L", "Sand"], 3)
    assert support.events(shop, type="product.updated")[-1].payload["changed"] == [
        "LIN-L-NAVY.title", "LIN-L-NAVY.option_values", "LIN-L-NAVY.reorder_point",
    ]  # fmt: skip
    with pytest.raises(ValidationFailed, match="cannot be negative"):
        products.update_variant(shop, "LIN-L-NAVY", {"price_minor": -1}, actor=IMPORTER)
    with pytest.raises(NotFound):
        products.update_variant(shop, "NOPE", {"price_minor": 1}, actor=IMPORTER)


def test_an_imported_product_can_be_ordered(shop: Shop) -> None:
    products.save_product(shop, TEE, actor=IMPORTER)
    order = factories.place(shop, lines=[LineInput("LIN-M-NAVY", 2)])
    assert order.total_minor == 2 * 4500 + 500
    assert support.stock(shop, "LIN-M-NAVY") == (7, 2)


def test_stock_is_received_adjusted_and_set_each_an_event_with_before_and_after(shop: Shop) -> None:
    products.save_product(shop, TEE, actor=IMPORTER)
    inventory.receive_stock(shop, "LIN-L-NAVY", 12, reference="PO-1001", actor=IMPORTER)
    inventory.adjust_stock(shop, "LIN-L-NAVY", delta=-2, reason="damaged in the warehouse", actor=IMPORTER)
    level = inventory.adjust_stock(shop, "LIN-L-NAVY", count=4, reason="stocktake", reference="ST-7", actor=IMPORTER)
    assert (level.on_hand, level.reserved, level.available) == (4, 0, 4)
    moves = [(e.type, e.payload["before"], e.payload["after"], e.payload["reason"], e.payload["reference"])
             for e in support.events(shop, variant_id=_variant(shop, "LIN-L-NAVY").id)]  # fmt: skip
    assert moves == [
        ("stock.received", 0, 12, "received", "PO-1001"),
        ("stock.adjusted", 12, 10, "damaged in the warehouse", None),
        ("stock.set", 10, 4, "stocktake", "ST-7"),
    ]


def test_reserved_units_cannot_be_counted_away_and_a_fall_below_the_reorder_point_is_announced(shop: Shop) -> None:
    products.save_product(shop, TEE, actor=IMPORTER)
    factories.place(shop, lines=[LineInput("LIN-M-NAVY", 3)])
    with pytest.raises(ValidationFailed, match="3 reserved"):
        inventory.adjust_stock(shop, "LIN-M-NAVY", count=2, reason="stocktake", actor=IMPORTER)
    inventory.adjust_stock(shop, "LIN-M-NAVY", delta=-3, reason="lost", actor=IMPORTER)
    assert support.types(shop, type="stock.reorder_needed") == ["stock.reorder_needed"]
    assert support.stock(shop, "LIN-M-NAVY") == (4, 3)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"delta": 1, "count": 1, "reason": "x"}, "delta"),
        ({"delta": 0, "reason": "x"}, "delta"),
        ({"delta": 1, "reason": " "}, "reason"),
        ({"count": -1, "reason": "x"}, "quantity"),
        ({"delta": 1, "reason": "bad\x00"}, "reason"),
    ],
)
def test_a_bad_adjustment_is_refused_by_field(shop: Shop, kwargs: dict[str, object], field: str) -> None:
    products.save_product(shop, TEE, actor=IMPORTER)
    with pytest.raises(ValidationFailed) as refused:
        inventory.adjust_stock(shop, "LIN-M-NAVY", actor=IMPORTER, **kwargs)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_a_role_without_the_permission_is_refused(database: Database) -> None:
    denied = [Permission.STOCK_ADJUST, Permission.CATALOG_EDIT]
    shop = Shop(db=database, permissions=PermissionTable.for_shop(staff_not=denied))
    with pytest.raises(NotPermitted):
        products.save_product(shop, TEE, actor=factories.STAFF)
    with pytest.raises(NotPermitted):
        inventory.receive_stock(shop, "LIN-M-NAVY", 1, reference=None, actor=factories.STAFF)
