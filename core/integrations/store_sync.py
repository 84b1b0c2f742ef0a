"""The first load of a connected store's catalogue (``flask --app wsgi stores sync``) and its
catalogue webhooks, all through ``store_connections.save_store_product`` (which calls the catalogue's
one writer, ``products.save_product``). Each product is its own transaction: a refused one costs
only itself and is reported with the reason; a re-run changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from core.errors import DomainError, ValidationFailed
from core.events.fact import Actor
from core.integrations import shopify_catalog, woo_catalog
from core.integrations.common import load_json, parse_time, text
from core.integrations.store_http import Client, StoreError
from core.models import WebhookDelivery
from core.money import check_currency
from core.services import ingest
from core.services import store_connections as stores
from core.shop import Shop

SHOPIFY_TOPICS = frozenset({"products/create", "products/update", "products/delete", "inventory_levels/update"})
WOO_TOPICS = frozenset({"product.created", "product.updated", "product.deleted", "product.restored"})
TOPICS = {"shopify": SHOPIFY_TOPICS, "woocommerce": WOO_TOPICS}


@dataclass(frozen=True)
class Refused:
    store_id: str
    handle: str
    field: str
    message: str


@dataclass
class SyncReport:
    platform: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("created", "updated", "unchanged"), 0))
    refused: list[Refused] = field(default_factory=list)


def is_catalog(source: str, topic: str) -> bool:
    return topic in TOPICS.get(source, frozenset())


def mapped(make: Callable[[], stores.StoreProduct]) -> stores.StoreProduct:
    """The store's product as the catalogue takes it; a body of the wrong shape is a ``ValidationFailed``."""
    try:
        return make()
    except (TypeError, ValueError, AttributeError, KeyError) as error:
        raise ValidationFailed(f"The store's product is malformed ({type(error).__name__}: {error}).") from None


def _save(shop: Shop, report: SyncReport, raw: dict[str, Any], make: Callable[[], stores.StoreProduct]) -> None:
    actor = Actor("integration", f"{report.platform}-sync")
    try:
        found = mapped(make)
        saved = stores.save_store_product(
            shop, report.platform, found, actor=actor, reference=f"{report.platform} sync"
        )
    except DomainError as error:
        handle = text(raw.get("handle") or raw.get("slug"), 120)
        report.refused.append(Refused(text(raw.get("id"), 64), handle, error.field or "", error.message))
    else:
        report.counts[saved.outcome] += 1


def _currency(shop: Shop, found: str) -> str:
    """The store's currency, which must be the shop's: webhooks carry no currency and are read in the shop's."""
    try:
        check_currency(found)
    except DomainError as error:
        raise StoreError(f"The store's currency is not one Shiplog knows: {error.message}") from None
    if found != shop.currency:
        raise StoreError(f"The store's prices are in {found} but this shop's are in {shop.currency}: set them alike.")
    return found


def reader(shop: Shop, platform: str) -> tuple[stores.StoreAccess, Client]:
    """The connected store (``store_connections.access``: ``NotConnected`` if it is not) and a client to read it."""
    found, options = stores.access(shop, platform), dict(shop.store_http)
    if platform == "shopify":
        return found, shopify_catalog.client(found.credentials["access_token"], **options)
    return found, woo_catalog.client(found.credentials["consumer_key"], found.credentials["consumer_secret"], **options)


def sync_shopify(shop: Shop, found: stores.StoreAccess, store: Client, report: SyncReport) -> Iterator[int]:
    """Save each page's products; yields the number saved so far (for a progress bar)."""
    done = 0
    for money, nodes in shopify_catalog.pages(store, found.base_url, found.api_version or stores.SHOPIFY_VERSION):
        money = _currency(shop, money)
        for node in nodes:
            _save(shop, report, node, partial(shopify_catalog.from_node, node, money))
            done += 1
            yield done


def sync_woocommerce(shop: Shop, found: stores.StoreAccess, store: Client, report: SyncReport) -> Iterator[int]:
    money, done = _currency(shop, woo_catalog.currency(store, found.base_url)), 0
    for _, products in woo_catalog.pages(store, found.base_url):
        for raw in products:
            kinds = (
                woo_catalog.variations(store, found.base_url, text(raw.get("id")))
                if raw.get("type") == "variable"
                else []
            )
            _save(shop, report, raw, partial(woo_catalog.product, raw, kinds, money))
            done += 1
            yield done


SYNCS = {"shopify": sync_shopify, "woocommerce": sync_woocommerce}


def run(shop: Shop, platform: str, report: SyncReport) -> Iterator[int]:
    """The sync of the connected store of ``platform``, read with its stored address and its credentials."""
    found, store = reader(shop, platform)
    return SYNCS[platform](shop, found, store, report)


def resource(topic: str, body: dict[str, Any]) -> tuple[str | None, datetime | None] | None:
    """(what a Shopify catalogue update is about, its updated_at): an update older than one applied
    is then ignored (``ingest.newer_applied``); None for the topics that are not the catalogue's."""
    if topic in ("products/create", "products/update"):
        return f"product:{text(body.get('id'), 40)}", parse_time(body.get("updated_at"))
    if topic == "inventory_levels/update":
        ref = f"inventory:{text(body.get('inventory_item_id'), 30)}:{text(body.get('location_id'), 30)}"
        return ref, parse_time(body.get("updated_at"))
    return None


def handle_webhook(shop: Shop, delivery: WebhookDelivery) -> str:
    """A catalogue webhook (``is_catalog``): ``processed`` or ``ignored``; a ``DomainError`` when refused."""
    body, platform = load_json(delivery.body), delivery.source
    if ingest.newer_applied(shop, delivery):
        return "ignored"
    actor = Actor("integration", platform)
    ref = text(body.get("id"), 64)
    if delivery.topic in ("products/delete", "product.deleted"):
        return "processed" if stores.unlist_store_product(shop, platform, ref, actor=actor) else "ignored"
    if delivery.topic == "inventory_levels/update":
        return _shopify_level(shop, text(body.get("inventory_item_id"), 64), actor)
    return _save_sent(shop, platform, body, actor)


def _shopify_level(shop: Shop, item: str, actor: Actor) -> str:
    """The webhook names one location's level; the shop's stock is the item's ``available`` over all of its
    locations, so every level is read again from the Admin API (docs/integrations.md) and the sum set."""
    if not item or not stores.links_item(shop, "shopify", item):
        return "ignored"  # not a variant Shiplog sells: no need to ask Shopify
    found, store = reader(shop, "shopify")
    total = shopify_catalog.available_everywhere(
        store, found.base_url, found.api_version or stores.SHOPIFY_VERSION, item
    )
    if total is None:
        return "ignored"
    return "processed" if stores.set_store_level(shop, "shopify", item, total, actor=actor) else "ignored"


def _save_sent(shop: Shop, platform: str, body: dict[str, Any], actor: Actor) -> str:
    """A product a webhook sent whole, priced in the shop's currency (the bodies do not name one)."""
    if platform == "woocommerce":
        parent, variations = _woo_whole(shop, body)
        if text(parent.get("type")) == "variable" and not variations:
            return "ignored"  # nothing to sell yet: its variations come with a later product.updated
        found = mapped(partial(woo_catalog.product, parent, variations, shop.currency))
    else:
        found = mapped(partial(shopify_catalog.from_webhook, body, shop.currency))
    saved = stores.save_store_product(shop, platform, found, actor=actor, reference=f"{platform} webhook")
    return "ignored" if saved.outcome == "unchanged" else "processed"


def _woo_whole(shop: Shop, body: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A WooCommerce product and its variations. A variable product's webhook carries only the parent, and a
    variation's only itself: the variations (and a variation's parent) are read through the REST API of the
    connected store, so each is saved as a variant with its own SKU, price and stock."""
    kind = text(body.get("type"))
    if kind not in ("variable", "variation"):
        return body, []
    found, store = reader(shop, "woocommerce")
    parent = body if kind == "variable" else woo_catalog.one(store, found.base_url, text(body.get("parent_id"), 30))
    if text(parent.get("type")) != "variable":
        raise ValidationFailed(f"WooCommerce product {text(parent.get('id'))} is not a variable product.", field="type")
    return parent, woo_catalog.variations(store, found.base_url, text(parent.get("id"), 30))


def _origin(source: str, headers: dict[str, str]) -> str:
    lowered = {k.lower(): v for k, v in headers.items()}
    name = "x-shopify-shop-domain" if source == "shopify" else "x-wc-webhook-source"
    return lowered.get(name, "").strip().rstrip("/").lower()


def not_connected(shop: Shop, source: str, topic: str, headers: dict[str, str]) -> str | None:
    """Why a catalogue webhook is refused (its store is not the one connected), or None."""
    if not is_catalog(source, topic):
        return None
    conn, origin = stores.connection(shop, source), _origin(source, headers)
    if conn is not None and origin and origin == conn.domain.rstrip("/").lower():
        return None
    return (
        f"The {source} store {origin or '(unnamed)'} is not connected here: "
        f"run `flask --app wsgi stores connect {source}` first."
    )
