"""The connected stores and what their catalogue sync writes beyond ``save_product``: which store
variant is which Shiplog variant, a product the store deleted (unlisted, never removed: orders name
its variants), and a store's stock level for an inventory item (through ``inventory.adjust_stock``).

``access`` is the one source of where and as whom Shiplog calls a store: the address and API version of
the stored connection (``stores connect``), the credentials from the environment under ``SECRET_NAMES``.
Every adapter (refunds, cancels, the sync, the reads a webhook needs) is built from it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from core.clock import utcnow
from core.domain.products import ProductInput
from core.errors import DomainError, ValidationFailed
from core.events import products as facts
from core.events.fact import Act, Actor
from core.lifecycle import record
from core.models import Product, StoreConnection, StoreVariantLink, Variant
from core.permissions import Permission
from core.services.inventory import Level, adjust_stock
from core.services.products import Saved, save_product
from core.services.unit import SessionUnit, unit_of_work
from core.shop import Shop

PLATFORMS = ("shopify", "woocommerce")
# The environment variables holding each platform's secrets: the database never holds them.
SECRET_NAMES: dict[str, dict[str, str]] = {
    "shopify": {"access_token": "SHOPIFY_ACCESS_TOKEN", "webhook_secret": "SHOPIFY_WEBHOOK_SECRET"},
    "woocommerce": {
        "consumer_key": "WOOCOMMERCE_CONSUMER_KEY",
        "consumer_secret": "WOOCOMMERCE_CONSUMER_SECRET",
        "webhook_secret": "WOOCOMMERCE_WEBHOOK_SECRET",
    },
}

# The first Shopify Admin API version with refundCreate's @idempotent directive (required from 2026-04).
SHOPIFY_VERSION = "2026-01"


class NotConnected(DomainError):
    """No store of that platform is connected, or its credentials are not in the environment."""

    code = "store_not_connected"


@dataclass(frozen=True)
class StoreAccess:
    platform: str
    base_url: str  # https://x.myshopify.com, or the WordPress site
    api_version: str | None  # Shopify's Admin API version; WooCommerce's REST API is always wc/v3
    credentials: dict[str, str]  # access_token (Shopify); consumer_key and consumer_secret (WooCommerce)


@dataclass(frozen=True)
class StoreVariant:
    sku: str
    store_variant_id: str
    inventory_item_id: str | None = None


@dataclass(frozen=True)
class StoreProduct:
    """A store's product as the catalogue takes it, with the store's ids of it and its variants."""

    store_product_id: str
    product: ProductInput
    variants: list[StoreVariant] = field(default_factory=list)
    listed: bool = True


def connect(shop: Shop, platform: str, domain: str, api_version: str | None, *, actor: Actor) -> StoreConnection:
    """Connect the store of ``platform`` (one per platform): made, or its address and version changed."""
    shop.permissions.require(actor, Permission.CATALOG_EDIT)
    if platform not in PLATFORMS:
        raise ValidationFailed(f"Unknown platform {platform!r}: {', '.join(PLATFORMS)}.", field="platform")
    with unit_of_work(shop) as unit:
        found = unit.session.scalar(select(StoreConnection).where(StoreConnection.platform == platform))
        if found is None:
            return unit.create(
                StoreConnection, platform=platform, domain=domain, api_version=api_version, created_at=utcnow()
            )
        found.domain, found.api_version = domain, api_version
        return found


def connection(shop: Shop, platform: str) -> StoreConnection | None:
    with shop.db.read() as session:
        return session.scalar(select(StoreConnection).where(StoreConnection.platform == platform))


def base_url(domain: str) -> str:
    """A Shopify domain is reached over HTTPS; a WooCommerce site (or a test's local peer) is stored as a URL."""
    return domain.rstrip("/") if domain.startswith(("https://", "http://")) else f"https://{domain}"


def access(shop: Shop, platform: str) -> StoreAccess:
    """The connected store of ``platform`` and its credentials; ``NotConnected`` says what to do when either is missing."""
    conn = connection(shop, platform)
    if conn is None:
        raise NotConnected(f"No {platform} store is connected: run `flask --app wsgi stores connect {platform}`.")
    names = {key: name for key, name in SECRET_NAMES[platform].items() if key != "webhook_secret"}
    missing = [name for name in names.values() if not shop.store_secrets.get(name)]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise NotConnected(
            f"{', '.join(missing)} {verb} not set in the environment: {platform} cannot be called without it."
        )
    version = conn.api_version or (SHOPIFY_VERSION if platform == "shopify" else None)
    secrets = {key: shop.store_secrets[name] for key, name in names.items()}
    return StoreAccess(platform, base_url(conn.domain), version, secrets)


def _link(unit: SessionUnit, platform: str, store_product_id: str, wanted: StoreVariant) -> None:
    variant_id = unit.session.scalar(select(Variant.id).where(Variant.sku == wanted.sku))
    found = unit.session.scalar(
        select(StoreVariantLink).where(
            StoreVariantLink.platform == platform, StoreVariantLink.store_variant_id == wanted.store_variant_id
        )
    )
    values = {"store_product_id": store_product_id, "inventory_item_id": wanted.inventory_item_id}
    if found is None:
        unit.create(StoreVariantLink, platform=platform, store_variant_id=wanted.store_variant_id,
                    variant_id=variant_id, **values)  # fmt: skip
        return
    for name, value in (values | {"variant_id": variant_id}).items():
        if getattr(found, name) != value:
            setattr(found, name, value)


def _set_listed(unit: SessionUnit, act: Act, product: Product, listed: bool) -> bool:
    if product.listed == listed:
        return False
    product.listed = listed
    record(unit, act, facts.product_updated(handle=product.handle, title=product.name, changed=["listed"]))
    return True


def save_store_product(shop: Shop, platform: str, found: StoreProduct, *, actor: Actor, reference: str) -> Saved:
    """The product saved by the catalogue's one writer, then its store ids linked and its listing set.
    Both steps are idempotent: a re-run (or a redelivered webhook) finishes what a failure left."""
    saved = save_product(shop, found.product, actor=actor, reference=reference)
    with unit_of_work(shop) as unit:
        for wanted in found.variants:
            _link(unit, platform, found.store_product_id, wanted)
        product = unit.session.get_one(Product, saved.product_id)
        relisted = _set_listed(unit, Act(actor, utcnow()), product, found.listed)
    if relisted and saved.outcome == "unchanged":
        return Saved(saved.product_id, saved.handle, "updated", saved.stock_set)
    return saved


def unlist_store_product(shop: Shop, platform: str, store_product_id: str, *, actor: Actor) -> bool:
    """The store deleted the product: it stays (orders reference it) but is no longer listed.
    False when it is not known here or already unlisted."""
    shop.permissions.require(actor, Permission.CATALOG_EDIT)
    with unit_of_work(shop) as unit:
        product = unit.session.scalar(
            select(Product)
            .join(Variant, Variant.product_id == Product.id)
            .join(StoreVariantLink, StoreVariantLink.variant_id == Variant.id)
            .where(StoreVariantLink.platform == platform, StoreVariantLink.store_product_id == store_product_id)
            .limit(1)
        )
        return product is not None and _set_listed(unit, Act(actor, utcnow()), product, False)


def links_item(shop: Shop, platform: str, inventory_item_id: str) -> bool:
    """Whether a variant here is the store's inventory item."""
    with shop.db.read() as session:
        found = session.scalar(
            select(StoreVariantLink.id)
            .where(StoreVariantLink.platform == platform, StoreVariantLink.inventory_item_id == inventory_item_id)
            .limit(1)
        )
    return found is not None


def set_store_level(shop: Shop, platform: str, inventory_item_id: str, available: int, *, actor: Actor) -> Level | None:
    """The store's count for an inventory item becomes the variant's on hand (``stock.set``), unless it
    already is; None when no variant here has that item."""
    with shop.db.read() as session:
        variant = session.scalar(
            select(Variant)
            .join(StoreVariantLink, StoreVariantLink.variant_id == Variant.id)
            .where(StoreVariantLink.platform == platform, StoreVariantLink.inventory_item_id == inventory_item_id)
        )
    if variant is None:
        return None
    if variant.on_hand == available:
        return Level.of(variant)
    reference = f"{platform} inventory item {inventory_item_id}"
    return adjust_stock(shop, variant.sku, count=available, reason=f"{platform} stock level", reference=reference,
                        actor=actor)  # fmt: skip
