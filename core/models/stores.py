"""The stores Shiplog is connected to, and which store variant is which Shiplog variant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, UTCDateTime


class StoreConnection(Base):
    """One store per platform. Its credentials are not here: they stay in the environment
    (``SHOPIFY_ACCESS_TOKEN``, ``WOOCOMMERCE_CONSUMER_KEY``... see ``store_connections.SECRET_NAMES``)."""

    __tablename__ = "store_connections"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), unique=True)  # shopify | woocommerce
    domain: Mapped[str] = mapped_column(String(255))  # x.myshopify.com, or the WooCommerce site's URL
    api_version: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StoreVariantLink(Base):
    """A store's variant (and its inventory item, which Shopify's stock webhooks name) known as a Shiplog variant."""

    __tablename__ = "store_variant_links"
    __table_args__ = (UniqueConstraint("platform", "store_variant_id", name="uq_store_variant_links_variant"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    store_product_id: Mapped[str] = mapped_column(String(64), index=True)
    store_variant_id: Mapped[str] = mapped_column(String(64))
    inventory_item_id: Mapped[str | None] = mapped_column(String(64), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"), index=True)
