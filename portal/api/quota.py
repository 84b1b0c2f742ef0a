"""Each API key's own rate limits, announced with the IETF RateLimit header fields.

Hits are counted in fixed windows in the limiter's shared storage (Redis, or the app's database:
``web.limit_storage``), leased to each process in small blocks (``portal.api.leases``), so a key's
limit holds however many workers serve it. A key's limits are its ``rate_limit`` (``flask api-keys
limit``), else the app's ``API_RATE_LIMIT``.

The fields are those of draft-ietf-httpapi-ratelimit-headers-10: ``RateLimit-Policy`` names each
policy with its quota and window (``"6000-per-1-minute";q=6000;w=60``) and ``RateLimit`` gives what
is left of it and when it resets (``"6000-per-1-minute";r=5999;t=42``). The older drafts' three
fields (RateLimit-Limit, -Remaining, -Reset) describe a single window; a key may have several.
"""

from __future__ import annotations

from functools import cache

from flask import Response, current_app
from limits import RateLimitItem, parse_many

from core.models import ApiKey
from portal.api.leases import Leases, Taken
from web.errors import problem
from web.extensions import limiter


class Quota:
    """One policy of a key, as this request left it."""

    __slots__ = ("allowed", "name", "policy", "remaining", "reset")

    def __init__(self, policy: RateLimitItem, taken: Taken) -> None:
        self.policy, self.allowed, self.remaining, self.reset = policy, taken.allowed, taken.remaining, taken.reset
        self.name = _name(policy)


@cache
def _name(policy: RateLimitItem) -> str:
    return str(policy).replace(" ", "-")


@cache
def _policy_field(policies: tuple[RateLimitItem, ...]) -> str:
    """The RateLimit-Policy value: the same for every answer to a key, so made once."""
    return ", ".join(f'"{_name(policy)}";q={policy.amount};w={policy.get_expiry()}' for policy in policies)


@cache
def policies(notation: str) -> tuple[RateLimitItem, ...]:
    """The limits written in ``notation`` ("600 per minute;20000 per hour"); ValueError if it is not that."""
    found = tuple(parse_many(notation))
    if not found:
        raise ValueError(f"no rate limit in {notation!r}")
    return found


def _leases() -> Leases:
    found = current_app.extensions.get("shiplog.api_leases")
    if found is None:  # one per app, made on first use (a race only makes an extra, empty one)
        found = current_app.extensions["shiplog.api_leases"] = Leases()
    return found  # type: ignore[no-any-return]


def count(key: ApiKey) -> list[Quota]:
    """Count this request against each of the key's policies (none when limits are switched off)."""
    if not limiter.enabled:
        return []
    leases, storage, who = _leases(), limiter.storage, str(key.id)
    notation = key.rate_limit or current_app.config["API_RATE_LIMIT"]
    return [Quota(policy, leases.take(storage, policy, "api-key", who)) for policy in policies(notation)]


def refusal(quotas: list[Quota]) -> Response | None:
    """The 429 when a policy is used up: ``Retry-After`` says when every used-up one has reset."""
    spent = [quota for quota in quotas if not quota.allowed]
    if not spent:
        return None
    worst = max(spent, key=lambda quota: quota.reset)
    wait = max(1, worst.reset)
    detail = f"This API key may make {_words(worst.policy)}; retry in {wait} s."
    response = problem(429, "Too many requests", detail)
    response.headers["Retry-After"] = str(wait)
    return response


def _words(policy: RateLimitItem) -> str:
    unit = policy.GRANULARITY.name
    window = unit if policy.multiples == 1 else f"{policy.multiples} {unit}s"
    return f"{policy.amount} requests per {window}"


def announce(response: Response, quotas: list[Quota]) -> None:
    """The RateLimit-Policy and RateLimit fields of every policy counted for this request."""
    if not quotas:
        return
    response.headers["RateLimit-Policy"] = _policy_field(tuple(quota.policy for quota in quotas))
    response.headers["RateLimit"] = ", ".join(f'"{q.name}";r={q.remaining};t={q.reset}' for q in quotas)
