"""Staff accounts, API keys and rate-limit counters. Secrets are stored only as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Double, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, UTCDateTime


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # staff | manager
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiKey(Base):
    """``prefix`` identifies a key in lists and logs; ``key_hash`` is SHA-256 of the whole key."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(8))  # read | write
    # The staff role whose permissions (core.permissions) the key's writes have; keys made before
    # roles were given to keys get the lesser one.
    role: Mapped[str] = mapped_column(String(16), default="staff", server_default="staff")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # This key's own limits in the ``limits`` notation ("600 per minute;20000 per hour");
    # None means the app's API_RATE_LIMIT.
    rate_limit: Mapped[str | None] = mapped_column(String(200))


class RateLimitCounter(Base):
    """One fixed-window hit counter of the rate limiter, shared by every process (``core.counters``).

    ``expires_at`` is epoch seconds, not a datetime: the ``limits`` storage interface speaks epoch
    seconds, and a float compares and adds the same way in SQLite and PostgreSQL, in one statement.
    """

    __tablename__ = "rate_limit_counters"

    limit_key: Mapped[str] = mapped_column(Text, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Double)
