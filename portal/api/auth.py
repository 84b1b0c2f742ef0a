"""API keys (``Authorization: Bearer <key>``, hashed at rest) and Idempotency-Key handling."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, g, request

from core.errors import DomainError, NotFound
from core.services import idempotency
from core.services.access import verify_api_key
from portal.errors import problem
from portal.extensions import shop

F = TypeVar("F", bound=Callable[..., Any])
KEY_CHARS = frozenset(chr(c) for c in range(0x21, 0x7F))


def _unauthorised(detail: str) -> Response:
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="shiplog"'
    return response


def require_key(scope: str) -> Callable[[F], F]:
    """Only callers with a valid key of ``scope`` get in; a write key may also read."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return _unauthorised("Send your API key as `Authorization: Bearer <key>`.")
            key = verify_api_key(shop(), token.strip()[:200])
            if key is None:
                return _unauthorised("That API key is not valid (unknown or revoked).")
            if scope == "write" and key.scope != "write":
                return problem(403, "Forbidden", "This API key can only read; writing needs a write key.")
            g.api_key = key
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def domain_problem(error: DomainError) -> Response:
    status = 404 if isinstance(error, NotFound) else 422
    return problem(
        status, error.code.replace("_", " "), error.message, {error.field: error.message} if error.field else None
    )


def _run(view: Callable[..., Any], *args: Any, **kwargs: Any) -> Response:
    from flask import make_response

    try:
        return make_response(view(*args, **kwargs))
    except DomainError as error:
        return domain_problem(error)


def _replay(claim: idempotency.Replay) -> Response:
    mimetype = "application/json" if claim.status < 400 else "application/problem+json"
    response = Response(claim.body, status=claim.status, mimetype=mimetype)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: F) -> F:
    """Execute a POST once per Idempotency-Key; replay its response to identical retries."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return _run(view, *args, **kwargs)
        if not 1 <= len(key) <= 200 or not set(key) <= KEY_CHARS:
            return problem(400, "Bad request", "Idempotency-Key must be 1 to 200 visible ASCII characters.")
        digest = idempotency.request_hash(request.method, request.path, request.get_data(cache=True))
        claim = idempotency.begin(shop(), g.api_key.id, key, digest)
        if isinstance(claim, idempotency.Replay):
            return _replay(claim)
        if isinstance(claim, idempotency.Mismatch):
            detail = "This Idempotency-Key was already used with a different request body."
            return problem(422, "Idempotency key reused", detail, {"Idempotency-Key": detail})
        if isinstance(claim, idempotency.InProgress):
            response = problem(409, "Conflict", "A request with this Idempotency-Key is still running; retry shortly.")
            response.headers["Retry-After"] = "1"
            return response
        return _execute(claim.record_id, view, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _execute(record_id: int, view: Callable[..., Any], *args: Any, **kwargs: Any) -> Response:
    try:
        response = _run(view, *args, **kwargs)
    except BaseException:
        idempotency.release(shop(), record_id)
        raise
    if response.status_code in (409, 429) or response.status_code >= 500:
        idempotency.release(shop(), record_id)  # transient: the retry must run again
    else:
        idempotency.finish(shop(), record_id, response.status_code, response.get_data(as_text=True))
    return response


def json_body() -> tuple[Any, Response | None]:
    """The parsed JSON body, or the problem response to send instead."""
    if not request.is_json:
        return None, problem(415, "Unsupported media type", "Send the body as application/json.")
    raw = request.get_data(cache=True)
    try:
        return json.loads(raw), None
    except (ValueError, UnicodeDecodeError):
        return None, problem(400, "Bad request", "The body is not valid JSON.")
