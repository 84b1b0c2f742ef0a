"""API keys (``Authorization: Bearer <key>``, hashed at rest), what each view needs, and Idempotency-Key handling."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple, TypeVar

import msgspec
from flask import Response, current_app, g, jsonify, request

from core.errors import DomainError, GatewayUnavailable, NotFound, NotPermitted
from core.events.fact import Actor
from core.models import ApiKey
from core.permissions import WHAT, Permission
from core.services import idempotency
from core.services.access import ApiKeyCache
from portal.api.bodies import conforms
from portal.api.schemas import IdempotencyKey
from web.errors import problem
from web.extensions import shop

F = TypeVar("F", bound=Callable[..., Any])
ACCESS = "api_access"


def key_actor() -> Actor:
    """Who acts for the request's API key, as events record it, with the role the key acts with
    (``core.permissions``: a staff action meets the same table as the hub)."""
    return Actor("integration", f"api:{g.api_key.prefix}", g.api_key.role)


def cursor_page(name: str, rows: list[dict[str, Any]], more: bool, after: int) -> Response:
    """A page of ``rows`` read after a cursor, with the cursor for the next page."""
    cursor = rows[-1]["id"] if rows else after
    return jsonify({name: rows, "next_cursor": cursor, "has_more": more})


def _unauthorised(detail: str) -> Response:
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="shiplog"'
    return response


def _key_cache() -> ApiKeyCache:
    cache = current_app.extensions.get("shiplog.api_keys")
    if cache is None:  # one per app, made on first use (a race only makes an extra, empty one)
        cache = ApiKeyCache(float(current_app.config.get("API_KEY_CACHE_SECONDS", 10)))
        current_app.extensions["shiplog.api_keys"] = cache
    return cache


class Access(NamedTuple):
    """What a view needs: a key of ``scope`` (None: anyone), the query parameters it reads (the
    fields of ``query``; none when it is None), and the permission its key's role must have."""

    scope: str | None
    query: type[msgspec.Struct] | None = None
    permission: Permission | None = None


PUBLIC = Access(None)
FAIL_CLOSED = Access("write")  # a view that declares nothing needs the strongest key


def require_key(
    scope: str, *, query: type[msgspec.Struct] | None = None, permission: Permission | None = None
) -> Callable[[F], F]:
    """Only callers with a valid key of ``scope`` get in (a write key may also read), sending only
    ``query``'s parameters, and whose role has ``permission`` (a staff action: the service checks it
    again, with the state). The blueprint's gate (``portal.api.gate``) checks it before the view."""

    def declare(view: F) -> F:
        setattr(view, ACCESS, Access(scope, query, permission))  # read back by access_of
        return view

    return declare


def public(view: F) -> F:
    """Anyone may call this view (the OpenAPI document)."""
    setattr(view, ACCESS, PUBLIC)
    return view


def access_of(view: Callable[..., Any] | None) -> Access:
    found = getattr(view, ACCESS, FAIL_CLOSED)
    return found if isinstance(found, Access) else FAIL_CLOSED


def authenticate() -> ApiKey | Response:
    """The caller's valid key, or the 401 to send."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _unauthorised("Send your API key as `Authorization: Bearer <key>`.")
    key = _key_cache().verify(shop(), token.strip()[:200])
    if key is None:
        return _unauthorised("That API key is not valid (unknown or revoked).")
    return key


def scope_problem(key: ApiKey, access: Access) -> Response | None:
    if access.scope == "write" and key.scope != "write":
        return problem(403, "Forbidden", "This API key can only read; writing needs a write key.")
    if access.permission is not None and not shop().permissions.allows(key.role, access.permission):
        what = WHAT[access.permission]
        detail = f"This API key's role ({key.role}) may not do this: {what[0].lower()}{what[1:]}."
        return problem(403, "Forbidden", detail, {"permission": access.permission.value})
    return None


def domain_problem(error: DomainError) -> Response:
    # 503 for a processor that did not answer: not kept for replay, so a retry runs again
    status = 404 if isinstance(error, NotFound) else 503 if isinstance(error, GatewayUnavailable) else 422
    status = 403 if isinstance(error, NotPermitted) else status
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


class _Discard(Exception):
    """Leave the unit of work without committing: the response must not be replayed."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _execute_once(key: str, digest: str, view: Callable[..., Any], *args: Any, **kwargs: Any) -> Response | None:
    """Run the view and record its response in one transaction; ``None`` if the key is taken."""
    try:
        with shop().db.unit_of_work() as session:
            record_id = idempotency.start(session, g.api_key.id, key, digest)
            if record_id is None:
                return None
            response = _run(view, *args, **kwargs)
            if response.status_code in (409, 429) or response.status_code >= 500:
                raise _Discard(response)  # transient: nothing is kept, the retry runs again
            idempotency.finish(session, record_id, response.status_code, response.get_data(as_text=True))
            return response
    except _Discard as discarded:
        return discarded.response


def _answer_taken(verdict: idempotency.Verdict) -> Response:
    if isinstance(verdict, idempotency.Replay):
        return _replay(verdict)
    if isinstance(verdict, idempotency.Mismatch):
        detail = "This Idempotency-Key was already used with a different request body."
        return problem(422, "Idempotency key reused", detail, {"Idempotency-Key": detail})
    response = problem(409, "Conflict", "A request with this Idempotency-Key is still running; retry shortly.")
    response.headers["Retry-After"] = "1"
    return response


def idempotent(view: F) -> F:
    """Execute a POST once per Idempotency-Key; replay its response to identical retries."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return _run(view, *args, **kwargs)
        if not conforms(key, IdempotencyKey):
            return problem(400, "Bad request", "Idempotency-Key must be 1 to 200 visible ASCII characters.")
        digest = idempotency.request_hash(request.method, request.path, request.get_data(cache=True))
        for _ in range(3):  # a taken key whose record is gone again was given back: try again
            response = _execute_once(key, digest, view, *args, **kwargs)
            if response is not None:
                return response
            verdict = idempotency.existing(shop(), g.api_key.id, key, digest)
            if verdict is not None:
                return _answer_taken(verdict)
        return _answer_taken(idempotency.InProgress())

    return wrapped  # type: ignore[return-value]
