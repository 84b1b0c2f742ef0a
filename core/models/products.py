"""Products, their variants and the stock each variant holds."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigId, JsonDoc


class Product(Base):
    """What a shop sells, with up to three options (``option_names``: "Size", "Color") its variants vary by."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    handle: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    option_names: Mapped[list[str] | None] = mapped_column(JsonDoc)  # None (rows from before): no options
    image_url: Mapped[str | None] = mapped_column(String(500))
    # Which of the shop's return policies applies (None: the default one); a name, kept as policy data.
    return_policy_group: Mapped[str | None] = mapped_column(String(40))
    # Sold when out of stock: the order is taken and waits for stock; otherwise it is refused.
    backorders: Mapped[bool] = mapped_column(default=False)
    # False once the store deleted it: kept (orders name its variants), no longer offered.
    listed: Mapped[bool] = mapped_column(default=True)
    variants: Mapped[list[Variant]] = relationship(back_populates="product", order_by="Variant.id")


class Variant(Base):
    """A sellable SKU. ``available = on_hand - reserved`` never goes below zero."""

    __tablename__ = "variants"
    __table_args__ = (
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        CheckConstraint("compare_at_minor >= 0", name="compare_at_not_negative"),
        CheckConstraint("weight_grams >= 0", name="weight_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(120))  # e.g. "M / Navy"
    option_values: Mapped[list[str] | None] = mapped_column(JsonDoc)  # in the product's option order; None: none
    price_minor: Mapped[int]
    compare_at_minor: Mapped[int | None]  # the "was" price a shop shows crossed out; same currency
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    weight_grams: Mapped[int | None]
    image_url: Mapped[str | None] = mapped_column(String(500))
    barcode: Mapped[str | None] = mapped_column(String(64))  # GTIN, UPC, EAN or ISBN, as the shop keys it
    final_sale: Mapped[bool] = mapped_column(default=False)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    reorder_point: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def product_name(self) -> str:
        return self.product.name

    @property
    def listed(self) -> bool:
        """Offered for sale: an order Shiplog takes itself may name it (``core.domain.commands``)."""
        return self.product.listed

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved
