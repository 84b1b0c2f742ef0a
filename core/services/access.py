"""Staff accounts and API keys. Passwords use scrypt; keys are random and stored as SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import characters
from core.clock import utcnow
from core.domain.commands import normalise_email
from core.errors import ValidationFailed
from core.models import ApiKey, StaffUser
from core.passwords import check_password, decoy, hash_password
from core.permissions import ROLES
from core.shop import Shop

SCOPES = ("read", "write")


def create_staff_user(shop: Shop, *, email: str, password: str, role: str) -> StaffUser:
    if role not in ROLES:
        raise ValidationFailed(f"Role must be one of {', '.join(ROLES)}.", field="role")
    if len(password) < 10:
        raise ValidationFailed("Passwords need at least 10 characters.", field="password")
    address = normalise_email(email)
    taken = ValidationFailed(f"{address} already has an account.", field="email")
    try:
        with shop.db.write() as session:
            if session.scalar(select(StaffUser.id).where(StaffUser.email == address)) is not None:
                raise taken
            user = StaffUser(email=address, password_hash=hash_password(password), role=role, created_at=utcnow())
            session.add(user)
            return user
    except IntegrityError:  # created by a concurrent request between our check and our insert
        raise taken from None


def authenticate(shop: Shop, email: str, password: str) -> StaffUser | None:
    """The active user with these credentials, or None (same work either way)."""
    address, user = email.strip().lower(), None
    if characters.refused(address) is None:  # no account's email holds one, and PostgreSQL cannot compare it
        with shop.db.read() as session:
            user = session.scalar(select(StaffUser).where(StaffUser.email == address))
    stored = user.password_hash if user is not None else decoy()
    valid = check_password(stored, password)
    return user if user is not None and user.active and valid else None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    shop: Shop, *, name: str, scope: str, rate_limit: str | None = None, role: str = "staff"
) -> tuple[ApiKey, str]:
    """Returns the row and the key itself, which is shown once and never stored. ``rate_limit``
    (checked by the caller, in the ``limits`` notation) replaces the app's default for this key.
    ``role`` is whose permissions the key's writes have (``core.permissions``)."""
    if scope not in SCOPES:
        raise ValidationFailed(f"Scope must be one of {', '.join(SCOPES)}.", field="scope")
    if role not in ROLES:
        raise ValidationFailed(f"Role must be one of {', '.join(ROLES)}.", field="role")
    key = f"slk_{secrets.token_urlsafe(32)}"
    with shop.db.write() as session:
        row = ApiKey(name=name[:120], prefix=key[:12], key_hash=_digest(key), scope=scope, created_at=utcnow())
        row.role = role
        row.rate_limit = rate_limit  # None: the app's API_RATE_LIMIT
        session.add(row)
        return row, key


def set_api_key_rate_limit(shop: Shop, *, prefix: str, rate_limit: str | None) -> int:
    """Give the live keys with this ``prefix`` (as ``api-keys create`` printed it) their own limit
    (None: the app's default again); how many keys changed. A process that cached a key sees the
    change within API_KEY_CACHE_SECONDS."""
    with shop.db.write() as session:
        rows = list(session.scalars(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))))
        for row in rows:
            row.rate_limit = rate_limit
        changed = len(rows)
    if not changed:
        raise ValidationFailed(f"No live API key has the prefix {prefix!r}.", field="prefix")
    return changed


def verify_api_key(shop: Shop, key: str) -> ApiKey | None:
    with shop.db.read() as session:
        row = session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(key), ApiKey.revoked_at.is_(None)))
    if row is None or not hmac.compare_digest(row.key_hash, _digest(key)):
        return None
    return row


class ApiKeyCache:
    """Keys verified in the last ``ttl_seconds``, so a busy integration does not pay a
    database lookup per request. Only valid keys are kept, by digest (never the key); a
    key revoked in the database stops working here within ``ttl_seconds``."""

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self._valid: dict[str, tuple[float, ApiKey]] = {}
        self._lock = threading.Lock()

    def verify(self, shop: Shop, key: str) -> ApiKey | None:
        digest, now = _digest(key), time.monotonic()
        with self._lock:
            cached = self._valid.get(digest)
        if cached is not None and now < cached[0]:
            return cached[1]
        row = verify_api_key(shop, key)
        if row is not None and self.ttl_seconds > 0:
            with self._lock:
                if len(self._valid) > 1000:  # keys are few; a flood of them must not grow memory
                    self._valid.clear()
                self._valid[digest] = (now + self.ttl_seconds, row)
        return row
