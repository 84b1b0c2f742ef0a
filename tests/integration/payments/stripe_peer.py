"""A real local stand-in for Stripe's API (http.server) that the official SDK talks to.

It checks what the SDK sends as Stripe documents it: ``Authorization: Bearer sk_test_...``, an
``Idempotency-Key`` on every POST, form-encoded bodies (PaymentIntents with ``capture_method=manual``
and ``confirm=true``, ``amount_to_capture`` on capture, ``payment_intent`` and ``amount`` on a
refund), and answers with Stripe-shaped objects. It keeps each key's first answer and replays it,
as Stripe does, so a retried operation happens once. It can be told to decline a card, to have
expired an authorisation, to decline a capture, to refuse or delay a refund, and to fail with a 500 or a timeout.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

API_KEY = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"
DECLINED = "pm_card_chargeDeclined"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Request:
    method: str
    path: str
    key: str | None
    form: dict[str, str]


@dataclass
class StripeState:
    refund_mode: str = "succeeded"  # succeeded | pending | refuse (400) | failed (a failed refund object)
    expired: bool = False  # every authorisation has lapsed: capture finds the PaymentIntent cancelled
    capture_declined: bool = False  # the bank declines every capture (a card error, 402)
    faults: list[str] = field(
        default_factory=list
    )  # next POSTs: "500" (after doing it), "down" (500, not done), "timeout"
    requests: list[Request] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # by Idempotency-Key
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_refund(
        self, intent: dict[str, Any], amount: int, status: str = "succeeded", metadata: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """A refund object as Stripe keeps it; called without ``metadata``, one made in Stripe's dashboard."""
        refund = {
            "id": f"re_{uuid.uuid4().hex[:24]}", "object": "refund", "amount": amount, "currency": intent["currency"],
            "payment_intent": intent["id"], "charge": intent["latest_charge"], "status": status,
            "failure_reason": "expired_or_canceled_card" if status == "failed" else None, "metadata": metadata or {},
            "reason": None if metadata else "requested_by_customer",
        }  # fmt: skip
        self.refunds[refund["id"]] = refund
        return refund

    def posts(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == "POST" and re.fullmatch(path, r.path)]


def _error(status: int, kind: str, code: str, message: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"type": kind, "code": code, "message": message, **extra}}


def _intent(form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    if form.get("payment_method") == DECLINED:
        return _error(402, "card_error", "card_declined", "Your card was declined.", decline_code="generic_decline")
    amount = int(form["amount"])
    return 200, {
        "id": f"pi_{uuid.uuid4().hex[:24]}", "object": "payment_intent", "amount": amount, "amount_capturable": amount,
        "amount_received": 0, "currency": form["currency"], "capture_method": "manual", "status": "requires_capture",
        "payment_method": form["payment_method"], "latest_charge": f"ch_{uuid.uuid4().hex[:24]}", "livemode": False,
        "cancellation_reason": None, "last_payment_error": None,
    }  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: StripeState

    def log_message(self, *args: Any) -> None:
        return None

    def _answer(self, status: int, body: dict[str, Any], replayed: bool = False) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
        if replayed:
            self.send_header("Idempotent-Replayed", "true")
        self.end_headers()
        self.wfile.write(data)

    def _check(self, request: Request) -> None:
        state, headers = self.state, self.headers
        if headers.get("Authorization") != f"Bearer {API_KEY}":
            state.problems.append(f"{request.path}: Authorization {headers.get('Authorization')!r}")
        if not headers.get("Stripe-Version"):
            state.problems.append(f"{request.path}: no Stripe-Version")
        if request.method == "POST" and not request.key:
            state.problems.append(f"POST {request.path} without an Idempotency-Key")
        if request.method == "POST" and headers.get("Content-Type") != "application/x-www-form-urlencoded":
            state.problems.append(f"POST {request.path}: Content-Type {headers.get('Content-Type')!r}")

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        request = Request("POST", self.path, self.headers.get("Idempotency-Key"), form)
        with self.state.lock:
            self.state.requests.append(request)
            self._check(request)
            fault = self.state.faults.pop(0) if self.state.faults else None
            if fault == "timeout":
                time.sleep(1.5)  # longer than the client waits; nothing done
            if fault in ("down", "timeout"):
                return self._answer(500, {"error": {"type": "api_error", "message": "Something went wrong."}})
            replay = self.state.answers.get(request.key or "")
            if replay is not None:
                return self._answer(*replay, replayed=True)
            status, body = self._route(request)
            if request.key and status < 500:
                self.state.answers[request.key] = (status, body)
        self._answer(500 if fault == "500" else status, body if fault != "500" else {"error": {"type": "api_error"}})

    def _route(self, request: Request) -> tuple[int, dict[str, Any]]:
        path, form = request.path, request.form
        if path == "/v1/payment_intents":
            return self._create_intent(form)
        found = re.fullmatch(r"/v1/payment_intents/(pi_\w+)/(capture|cancel)", path)
        if found:
            return self._move_intent(found.group(1), found.group(2), form)
        if path == "/v1/refunds":
            return self._refund(form)
        return _error(404, "invalid_request_error", "resource_missing", f"Unrecognized request URL (POST: {path}).")

    def _create_intent(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        wanted = {"capture_method": "manual", "confirm": "true"}
        missing = [k for k in ("amount", "currency", "payment_method") if not form.get(k)]
        wrong = [f"{k}={form.get(k)!r}" for k, v in wanted.items() if form.get(k) != v]
        if missing or wrong or not form.get("amount", "").isdigit():
            self.state.problems.append(f"create PaymentIntent: missing {missing}, wrong {wrong}")
            return _error(400, "invalid_request_error", "parameter_missing", f"Missing or wrong: {missing + wrong}")
        status, intent = _intent(form)
        if status == 200:
            self.state.intents[intent["id"]] = intent
        return status, intent

    def _move_intent(self, ref: str, verb: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        intent = self.state.intents.get(ref)
        if intent is None:
            return _error(404, "invalid_request_error", "resource_missing", f"No such payment_intent: '{ref}'")
        if self.state.expired and intent["status"] == "requires_capture":
            intent.update(status="canceled", cancellation_reason="automatic", amount_capturable=0)
        if intent["status"] != "requires_capture":
            message = f"This PaymentIntent could not be {verb}d because it has a status of {intent['status']}."
            return _error(400, "invalid_request_error", "payment_intent_unexpected_state", message)
        if verb == "capture" and self.state.capture_declined:
            message = "Your card was declined."
            return _error(402, "card_error", "card_declined", message, decline_code="insufficient_funds")
        if verb == "cancel":
            intent.update(status="canceled", cancellation_reason="requested_by_customer", amount_capturable=0)
            return 200, intent
        if not form.get("amount_to_capture", "").isdigit() or int(form["amount_to_capture"]) > intent["amount"]:
            self.state.problems.append(f"capture {ref}: amount_to_capture {form.get('amount_to_capture')!r}")
        intent.update(status="succeeded", amount_received=int(form.get("amount_to_capture") or 0), amount_capturable=0)
        return 200, intent

    def _refund(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        intent = self.state.intents.get(form.get("payment_intent", ""))
        if intent is None or not form.get("amount", "").isdigit():
            self.state.problems.append(
                f"refund: payment_intent {form.get('payment_intent')!r}, amount {form.get('amount')!r}"
            )
            return _error(
                400, "invalid_request_error", "parameter_missing", "Refunds name a payment_intent and an amount."
            )
        done = sum(r["amount"] for r in self.state.refunds.values() if r["payment_intent"] == intent["id"] and r["status"] != "failed")  # fmt: skip
        if self.state.refund_mode == "refuse" or int(form["amount"]) > intent["amount_received"] - done:
            message = "Refund amount is greater than the unrefunded amount on the charge."
            return _error(400, "invalid_request_error", "amount_too_large", message)
        if form.get("metadata[shiplog_key]") != self.headers.get("Idempotency-Key"):
            self.state.problems.append(f"refund: metadata[shiplog_key] {form.get('metadata[shiplog_key]')!r}")
        status = {"refuse": "failed", "failed": "failed"}.get(self.state.refund_mode, self.state.refund_mode)
        metadata = {"shiplog_key": form.get("metadata[shiplog_key]", "")}
        return 200, self.state.add_refund(intent, int(form["amount"]), status, metadata)


class StripePeer:
    def __init__(self, state: StripeState | None = None) -> None:
        self.state = state or StripeState()
        self.port = free_port()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> StripePeer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
