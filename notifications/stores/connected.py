"""The adapter for a connected store, built from the one source of store calls (``store_connections.access``:
the stored connection's address and API version, the environment's credentials) when a call is delivered.

Built at delivery, not at start: a store connected (or moved) with ``stores connect`` is reached by a worker
already running. An adapter is kept while its connection is unchanged, so its HTTP session is reused.
"""

from __future__ import annotations

from core.services import store_connections as stores
from core.shop import Shop
from notifications.stores.calls import StoreAdapter
from notifications.stores.shopify import ShopifyAdmin
from notifications.stores.woocommerce import WooCommerceRest


def build(found: stores.StoreAccess, timeout: float) -> StoreAdapter:
    secrets = found.credentials
    if found.platform == "shopify":
        version = found.api_version or stores.SHOPIFY_VERSION
        return ShopifyAdmin(found.base_url, secrets["access_token"], version, timeout)
    return WooCommerceRest(found.base_url, secrets["consumer_key"], secrets["consumer_secret"], timeout=timeout)


class ConnectedStores:
    def __init__(self, shop: Shop, timeout: float) -> None:
        self.shop, self.timeout = shop, timeout
        self._built: dict[str, tuple[stores.StoreAccess, StoreAdapter]] = {}

    def adapter(self, platform: str) -> StoreAdapter:
        """The store's adapter; ``stores.NotConnected`` when it is not connected or lacks its credentials."""
        found = stores.access(self.shop, platform)
        kept = self._built.get(platform)
        if kept is not None and kept[0] == found:
            return kept[1]
        made = build(found, self.timeout)
        self._built[platform] = (found, made)
        return made
