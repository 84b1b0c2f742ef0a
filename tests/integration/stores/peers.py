"""Real local stand-ins (http.server) for Shopify's Admin GraphQL API and WooCommerce's REST API v3.

They check what the sync sends as the platforms document it: Shopify's ``X-Shopify-Access-Token`` on
a POST to ``/admin/api/<version>/graphql.json`` whose query reads the ``products`` connection with
``first``/``after`` variables and ``pageInfo { hasNextPage endCursor }``, or an inventory item's
``inventoryLevels`` (one per location, ``quantities(names: ["available"])``, paged the same way); WooCommerce's basic auth
(consumer key and secret) on ``GET /wp-json/wc/v3/products?page=N&per_page=M`` answered with
``X-WP-TotalPages``, ``/products/<id>`` and ``/products/<id>/variations`` (paged the same way, at most
``variation_page_size`` a page; ``per_page`` over WooCommerce's maximum of 100 is a problem). Each can be told to fail: ``429`` (with
Retry-After), ``throttled`` (Shopify's 200 with a THROTTLED error and the query's cost), ``500``
or ``timeout``. Pages are at most ``page_size`` long, so a few products make several pages.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SHOPIFY_TOKEN = "shpat_test_0123456789"
WOO_KEY, WOO_SECRET = "ck_test_key", "cs_test_secret"
VERSION = "2026-01"  # the version Shiplog connects with (store_connections.SHOPIFY_VERSION)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any] | None


@dataclass
class PeerState:
    products: list[dict[str, Any]]
    variations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    currency: str = "USD"
    page_size: int = 2
    variation_page_size: int = 100
    levels: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # inventory item -> (location, available)
    faults: list[str] = field(default_factory=list)  # next requests: "429", "throttled", "500", "timeout"
    requests: list[Seen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what the client sent wrong


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: PeerState
    platform: str

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        for name, value in {
            "Content-Type": "application/json",
            "Content-Length": str(len(raw)),
            **(headers or {}),
        }.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _record(self) -> Seen:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        seen = Seen(self.command, parts.path, query, dict(self.headers.items()), body)
        self.state.requests.append(seen)
        return seen

    def _fault(self) -> bool:
        if not self.state.faults:
            return False
        fault = self.state.faults.pop(0)
        if fault == "timeout":
            time.sleep(1.0)
            self._send(200, {})
        elif fault == "429":
            self._send(429, {"errors": "Exceeded 2 calls per second for api client."}, {"Retry-After": "0.25"})
        elif fault == "500":
            self._send(500, {"errors": "Internal Server Error"})
        else:
            cost = {"requestedQueryCost": 252, "actualQueryCost": None,
                    "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 2, "restoreRate": 100.0}}  # fmt: skip
            self._send(200, {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                             "extensions": {"cost": cost}})  # fmt: skip
        return True

    def do_POST(self) -> None:
        seen = self._record()
        if self.platform != "shopify" or seen.path != f"/admin/api/{VERSION}/graphql.json":
            return self._send(404, {"errors": "Not Found"})
        if seen.headers.get("X-Shopify-Access-Token") != SHOPIFY_TOKEN:
            return self._send(
                401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
            )
        if self._fault():
            return None
        if "inventoryItem(id: $id)" in str((seen.body or {}).get("query", "")):
            return self._send(200, _shopify_levels(self.state, seen, self.state.problems))
        self._send(200, _shopify_page(self.state, seen, self.state.problems))

    def do_GET(self) -> None:
        seen = self._record()
        expected = "Basic " + base64.b64encode(f"{WOO_KEY}:{WOO_SECRET}".encode()).decode()
        if self.platform != "woocommerce":
            return self._send(404, {"errors": "Not Found"})
        if seen.headers.get("Authorization") != expected:
            return self._send(
                401, {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources."}
            )
        if not self._fault():
            self._send(*_woo_answer(self.state, seen))


def _shopify_page(state: PeerState, seen: Seen, problems: list[str]) -> dict[str, Any]:
    body = seen.body or {}
    query, variables = str(body.get("query", "")), body.get("variables") or {}
    shape = ("products(first: $first, after: $after)", "pageInfo { hasNextPage endCursor }", "selectedOptions",
             "sku", "price", "compareAtPrice", "barcode", "inventoryQuantity", "shop { currencyCode }")  # fmt: skip
    problems += [f"query lacks {part}" for part in shape if part not in query]
    if not isinstance(variables.get("first"), int) or not 0 < variables["first"] <= 250:
        problems.append(f"bad first: {variables.get('first')!r}")
    after = variables.get("after")
    start = 0 if after is None else int(str(after).removeprefix("cursor-"))
    size = min(state.page_size, int(variables.get("first") or 1))
    nodes = state.products[start : start + size]
    end = start + len(nodes)
    info = {"hasNextPage": end < len(state.products), "endCursor": f"cursor-{end}" if nodes else None}
    data = {"shop": {"currencyCode": state.currency}, "products": {"pageInfo": info, "nodes": nodes}}
    return {"data": data, "extensions": {"cost": {"requestedQueryCost": 52, "actualQueryCost": 12}}}


def _shopify_levels(state: PeerState, seen: Seen, problems: list[str]) -> dict[str, Any]:
    """``inventoryItem(id:) { inventoryLevels(first:, after:) }``: each location's available quantity."""
    body = seen.body or {}
    query, variables = str(body.get("query", "")), body.get("variables") or {}
    shape = ("inventoryLevels(first: $first, after: $after)", "pageInfo { hasNextPage endCursor }",
             'quantities(names: ["available"])', "location { id }")  # fmt: skip
    problems += [f"levels query lacks {part}" for part in shape if part not in query]
    item = str(variables.get("id", ""))
    if not re.fullmatch(r"gid://shopify/InventoryItem/\d+", item):
        problems.append(f"bad inventory item id {item!r}")
    if not isinstance(variables.get("first"), int) or not 0 < variables["first"] <= 250:
        problems.append(f"bad first: {variables.get('first')!r}")
    levels = state.levels.get(item.rsplit("/", 1)[-1])
    if levels is None:
        return {"data": {"inventoryItem": None}}
    after = variables.get("after")
    start = 0 if after is None else int(str(after).removeprefix("cursor-"))
    chunk = levels[start : start + min(state.page_size, int(variables.get("first") or 1))]
    end = start + len(chunk)
    nodes = [{"location": {"id": f"gid://shopify/Location/{where}"},
              "quantities": [{"name": "available", "quantity": available}]} for where, available in chunk]  # fmt: skip
    info = {"hasNextPage": end < len(levels), "endCursor": f"cursor-{end}" if chunk else None}
    return {"data": {"inventoryItem": {"id": item, "inventoryLevels": {"pageInfo": info, "nodes": nodes}}}}


def _woo_page(items: list[dict[str, Any]], seen: Seen, size: int) -> tuple[int, Any, dict[str, str]]:
    page, per_page = int(seen.query.get("page", "1")), int(seen.query.get("per_page", "10"))
    if not 0 < per_page <= 100:
        return 400, {"code": "rest_invalid_param", "message": "Invalid parameter(s): per_page"}, {}
    size = min(size, per_page)
    pages = max(1, -(-len(items) // size))
    chunk = items[(page - 1) * size : page * size]
    return 200, chunk, {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)}


def _woo_answer(state: PeerState, seen: Seen) -> tuple[int, Any, dict[str, str]]:
    if seen.path == "/wp-json/wc/v3/data/currencies/current":
        return 200, {"code": state.currency, "name": state.currency, "symbol": "$"}, {}
    if seen.path == "/wp-json/wc/v3/products":
        return _woo_page(state.products, seen, state.page_size)
    found = re.fullmatch(r"/wp-json/wc/v3/products/(\d+)/variations", seen.path)
    if found and found.group(1) in state.variations:
        return _woo_page(state.variations[found.group(1)], seen, state.variation_page_size)
    found = re.fullmatch(r"/wp-json/wc/v3/products/(\d+)", seen.path)
    one = [p for p in state.products if found and str(p.get("id")) == found.group(1)]
    if one:
        return 200, one[0], {}
    return 404, {"code": "rest_no_route", "message": "No route was found matching the URL and request method."}, {}


class Peer:
    def __init__(self, platform: str, state: PeerState) -> None:
        handler = type("Handler", (_Handler,), {"state": state, "platform": platform})
        self.state = state
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Peer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
