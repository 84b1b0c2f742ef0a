"""Products, their variants and the stock each variant holds."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigId


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    handle: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    variants: Mapped[list[Variant]] = relationship(back_populates="product", order_by="Variant.id")


class Variant(Base):
    """A sellable SKU. ``available = on_hand - reserved`` never goes below zero."""

    __tablename__ = "variants"
    __table_args__ = (
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(120))  # e.g. "M / Navy"
    price_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    final_sale: Mapped[bool] = mapped_column(default=False)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    reorder_point: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def product_name(self) -> str:
        return self.product.name

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved
