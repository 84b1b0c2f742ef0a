"""What every /api/v1 request passes before its view, in this order:

1. the URL's length (414), so every server in front answers over-long URLs alike;
2. the API key (401), before anything about the request is judged: a caller without a valid key
   learns only that it needs one, never which parameters would have been accepted;
3. the key's own rate limits (429, ``portal.api.quota``);
4. the key's scope, and its role's permission for a staff action (403);
5. the query string (400): only the view's parameters, each at most once.

What a view needs is declared on it (``require_key`` or ``public``); a view that declares nothing
needs a write key.
"""

from __future__ import annotations

from functools import cache

import msgspec
from flask import Response, current_app, g, request

from portal.api import bp, quota
from portal.api.auth import access_of, authenticate, scope_problem
from portal.api.schemas import MAX_URL_BYTES
from web.errors import problem


@bp.before_request
def admit() -> Response | None:
    """The first refusal this request earns, if any (see the module's docstring for the order)."""
    if _url_bytes() > MAX_URL_BYTES:
        return problem(414, "URI too long", f"The URL is longer than {MAX_URL_BYTES} bytes.")
    access = access_of(current_app.view_functions.get(request.endpoint or ""))
    if access.scope is not None and request.method != "OPTIONS":  # OPTIONS only lists the methods
        key = authenticate()
        if isinstance(key, Response):
            return key
        g.api_key, g.api_quotas = key, quota.count(key)
        refused = quota.refusal(g.api_quotas) or scope_problem(key, access)
        if refused is not None:
            return refused
    return query_problem(access.query)


@bp.after_request
def announce_quota(response: Response) -> Response:
    quota.announce(response, g.get("api_quotas", []))
    return response


def _url_bytes() -> int:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    return len(raw) if raw else len(request.full_path)


@cache
def parameter_names(query: type[msgspec.Struct] | None) -> frozenset[str]:
    return frozenset(field.encode_name for field in msgspec.structs.fields(query)) if query else frozenset()


def query_problem(query: type[msgspec.Struct] | None) -> Response | None:
    """A 400 naming every query parameter the view does not take or that was sent more than once:
    ``?limit=5&limit=500`` has no one meaning (some servers take the first, others the last)."""
    allowed, errors, details = parameter_names(query), {}, []
    for name in sorted(request.args):
        shown = name[:60]
        if name not in allowed:
            errors[shown] = "Unknown query parameter."
            details.append(f"Unknown query parameter {shown!r}.")
        elif len(request.args.getlist(name)) > 1:
            errors[shown] = "Sent more than once; send it once."
            details.append(f"Query parameter {shown!r} was sent more than once; send it once.")
    return problem(400, "Bad request", details[0], errors) if errors else None
