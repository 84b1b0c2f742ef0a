"""Real local peers for the store adapters: Shopify's Admin GraphQL API and WooCommerce's REST API
(http.server), each checking every request against the platform's documented shape and auth.

Both can answer 500 (``fail_next``), stall past the client's timeout (``stall_next``) or refuse
(``refuse``). Shopify's peer keeps ``@idempotent`` keys as Shopify does: a key seen before returns
the refund it made, not a new one.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.integration.notifications.peers import JsonHandler, LocalServer

SHOPIFY_TOKEN = "shpat_test_token_0123456789"
SHOPIFY_VERSION = "2026-01"
WOO_KEY, WOO_SECRET = "ck_test_key", "cs_test_secret"
ORDER_GID = re.compile(r"^gid://shopify/Order/\d+$")
MUTATION = re.compile(r"^\s*mutation\s+(\w+)")
IDEMPOTENT = re.compile(r"refundCreate\(input: \$input\) @idempotent\(key: \$key\)")


@dataclass
class PeerState:
    fail_next: int = 0  # answer this many requests with a 500
    stall_next: int = 0  # answer this many after sleeping past the client's timeout
    stall_seconds: float = 2.0
    lose_next: int = 0  # do this many mutations, but answer after the client gave up (the answer is lost)
    refuse: bool = False  # a user error (Shopify) or a 400 (WooCommerce)
    requests: list[dict[str, Any]] = field(default_factory=list)  # every request that passed the checks
    problems: list[str] = field(default_factory=list)
    made: dict[str, dict[str, Any]] = field(default_factory=dict)  # refunds made, by key / reference
    cancelled: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(JsonHandler):
    state: PeerState

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else None

    def _misbehave(self) -> bool:
        """A 500 or a stall, if the test asked for one."""
        state = self.state
        with state.lock:
            fail, stall = state.fail_next > 0, state.stall_next > 0 and state.fail_next == 0
            state.fail_next -= fail
            state.stall_next -= stall
        if stall:
            time.sleep(state.stall_seconds)
        if fail:
            self._reply(500, {"errors": "Internal Server Error"})
        return fail

    def _lose_answer(self) -> None:
        """The work is done; the answer comes too late for the client, which cannot know it was done."""
        with self.state.lock:
            lose = self.state.lose_next > 0
            self.state.lose_next -= lose
        if lose:
            time.sleep(self.state.stall_seconds)

    def _problem(self, problem: str) -> None:
        with self.state.lock:
            self.state.problems.append(problem)
        self._reply(401 if "auth" in problem else 400, {"errors": problem})


class _ShopifyHandler(_Handler):
    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        if self.path != f"/admin/api/{SHOPIFY_VERSION}/graphql.json":
            return self._problem(f"bad path {self.path}")
        if self.headers.get("X-Shopify-Access-Token") != SHOPIFY_TOKEN:
            return self._problem("bad access token auth")
        if self.headers.get("Content-Type", "").split(";")[0] != "application/json" or "query" not in body:
            return self._problem("not a GraphQL JSON body")
        if self._misbehave():
            return None
        query, variables = body["query"], body.get("variables") or {}
        with self.state.lock:
            self.state.requests.append({"query": query, "variables": variables})
        return self._answer(query, variables)

    def _answer(self, query: str, variables: dict[str, Any]) -> None:
        operation = MUTATION.match(query)
        if operation is None:
            return self._query(query, variables)
        if operation.group(1) == "RefundCreate":
            return self._refund_create(query, variables)
        if operation.group(1) == "OrderCancel":
            return self._order_cancel(variables)
        return self._problem(f"unexpected mutation {operation.group(1)}")

    def _query(self, query: str, variables: dict[str, Any]) -> None:
        if not ORDER_GID.match(str(variables.get("id"))):
            return self._problem(f"bad order id {variables.get('id')}")
        gid = variables["id"]
        transactions = [
            {
                "id": "gid://shopify/OrderTransaction/9001",
                "kind": "SALE",
                "status": "SUCCESS",
                "gateway": "shopify_payments",
            }
        ]
        cancelled = "2026-12-05T10:00:00Z" if gid in self.state.cancelled else None
        self._reply(200, {"data": {"order": {"id": gid, "transactions": transactions, "cancelledAt": cancelled}}})

    def _refund_create(self, query: str, variables: dict[str, Any]) -> None:
        found = refund_problems(query, variables)
        if found:
            return self._problem("; ".join(found))
        if self.state.refuse:
            errors = [{"field": ["transactions"], "message": "Amount cannot exceed the refundable amount"}]
            return self._reply(200, {"data": {"refundCreate": {"refund": None, "userErrors": errors}}})
        with self.state.lock:  # a key seen before gets the refund it made: Shopify's idempotency
            made = self.state.made.setdefault(
                variables["key"],
                {"id": f"gid://shopify/Refund/{800 + len(self.state.made)}", "input": variables["input"]},
            )
        self._lose_answer()
        self._reply(200, {"data": {"refundCreate": {"refund": {"id": made["id"]}, "userErrors": []}}})

    def _order_cancel(self, variables: dict[str, Any]) -> None:
        wanted = {"orderId", "refund", "restock", "staffNote"}
        if set(variables) != wanted or not ORDER_GID.match(str(variables["orderId"])):
            return self._problem(f"bad orderCancel variables {sorted(variables)}")
        if self.state.refuse or variables["orderId"] in self.state.cancelled:
            errors = [{"field": ["orderId"], "message": "Order cannot be cancelled.", "code": "INVALID"}]
            return self._reply(200, {"data": {"orderCancel": {"job": None, "orderCancelUserErrors": errors}}})
        with self.state.lock:
            self.state.cancelled.add(variables["orderId"])
        job = {"id": "gid://shopify/Job/1"}
        self._reply(200, {"data": {"orderCancel": {"job": job, "orderCancelUserErrors": []}}})


def refund_problems(query: str, variables: dict[str, Any]) -> list[str]:
    """What Shopify's RefundInput and the idempotent directive require of a refundCreate."""
    found = [] if IDEMPOTENT.search(query) else ["refundCreate without @idempotent(key: $key)"]
    key, given = variables.get("key"), variables.get("input") or {}
    found += [] if isinstance(key, str) and key else ["no idempotency key"]
    found += [] if ORDER_GID.match(str(given.get("orderId"))) else ["input.orderId is not an Order gid"]
    for transaction in given.get("transactions") or [None]:
        if not isinstance(transaction, dict):
            found.append("no transactions")
            continue
        missing = {"orderId", "parentId", "gateway", "kind", "amount"} - set(transaction)
        found += [f"transaction lacks {sorted(missing)}"] if missing else []
        found += [] if transaction.get("kind") == "REFUND" else ["transaction kind is not REFUND"]
        found += [] if re.fullmatch(r"\d+\.\d{2}", str(transaction.get("amount"))) else ["amount is not a decimal"]
    return found


class _WooHandler(_Handler):
    PATH = re.compile(r"^/wp-json/wc/v3/orders/(\d+)(/refunds)?$")

    def _checked(self) -> re.Match[str] | None:
        expected = "Basic " + base64.b64encode(f"{WOO_KEY}:{WOO_SECRET}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self._problem("bad basic auth")
            return None
        if not self.headers.get("User-Agent", "").startswith("WooCommerce-Python-REST-API/"):
            self._problem("not WooCommerce's own client")
            return None
        match = self.PATH.match(self.path)
        if match is None:
            self._problem(f"bad path {self.path}")
        return match

    def do_GET(self) -> None:  # noqa: N802
        match = self._checked()
        if match is None or self._misbehave():
            return None
        with self.state.lock:
            self.state.requests.append({"method": "GET", "path": self.path})
            made = [r for r in self.state.made.values() if r["order"] == match.group(1)]
        self._reply(200, [{"id": r["id"], "amount": r["amount"], "meta_data": r["meta_data"]} for r in made])

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        match = self._checked()
        if match is None or not match.group(2):
            return None if match is None else self._problem("POST outside /refunds")
        missing = {"amount", "reason", "api_refund", "meta_data"} - set(body or {})
        if missing or body["api_refund"] is not True or not re.fullmatch(r"\d+\.\d{2}", body["amount"]):
            return self._problem(f"bad refund body {body}")
        if self._misbehave():
            return None
        if self.state.refuse:
            return self._reply(
                400, {"code": "woocommerce_rest_cannot_create_order_refund", "message": "Invalid refund amount."}
            )
        reference = next(m["value"] for m in body["meta_data"] if m["key"] == "_shiplog_reference")
        with self.state.lock:
            self.state.requests.append({"method": "POST", "path": self.path, "body": body})
            made = {"id": 900 + len(self.state.made), "order": match.group(1), **body}
            self.state.made[f"{reference}#{len(self.state.made)}"] = (
                made  # WooCommerce has no key: a repeat is a second refund
            )
        self._reply(201, {"id": made["id"], "amount": body["amount"], "reason": body["reason"]})

    def do_PUT(self) -> None:  # noqa: N802
        body = self._body()
        match = self._checked()
        if match is None or match.group(2) or body != {"status": "cancelled"}:
            return None if match is None else self._problem(f"bad order update {body}")
        if self._misbehave():
            return None
        with self.state.lock:
            self.state.requests.append({"method": "PUT", "path": self.path, "body": body})
            self.state.cancelled.add(match.group(1))
        self._reply(200, {"id": int(match.group(1)), "status": "cancelled"})


class Peer(LocalServer):
    def __init__(self, handler: type[_Handler], tls: ssl.SSLContext | None = None) -> None:
        self.state = PeerState()
        super().__init__(type("Handler", (handler,), {"state": self.state}), tls)


def self_signed(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 (made with openssl), and a server context holding it."""
    cert, key = folder / "peer.pem", folder / "peer.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return cert, context


def shopify_peer() -> Peer:
    return Peer(_ShopifyHandler)


def woo_peer(tls: ssl.SSLContext) -> Peer:
    """WooCommerce's REST API over HTTPS, where its client sends Basic auth."""
    return Peer(_WooHandler, tls)
