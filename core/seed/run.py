"""Seed an empty database with the demo history: staff accounts, catalogue, customers and orders."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from core.clock import utcnow
from core.errors import DomainError
from core.models import Customer, Event, Order, Product, StaffUser
from core.seed.generator import SeedOptions, Setup
from core.seed.pipeline import chunks_for, write_history
from core.seed.writer import BulkWriter
from core.services.access import create_staff_user
from core.shop import Shop

DEMO_PASSWORD = "shiplog-demo"
STAFF_ACCOUNTS = (("staff@example.com", "staff"), ("manager@example.com", "manager"))


class DatabaseNotEmpty(DomainError):
    code = "database_not_empty"


@dataclass(frozen=True)
class SeedReport:
    orders: int
    events: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    skipped: bool = False  # --if-empty found orders and did nothing


def order_count(shop: Shop) -> int:
    with shop.db.read() as session:
        return int(session.scalar(select(func.count(Order.id))) or 0)


def _check_empty(shop: Shop) -> None:
    with shop.db.read() as session:
        for model, what in ((Order, "orders"), (Product, "products"), (Customer, "customers"), (Event, "events")):
            found = int(session.scalar(select(func.count(model.id))) or 0)
            if found:
                raise DatabaseNotEmpty(
                    f"The database already has {found:,} {what}: the demo seed only fills an empty database. "
                    "Point DATABASE_URL at a new database, or use --if-empty to skip seeding."
                )


def ensure_staff(shop: Shop) -> None:
    """The demo staff accounts, created through the access service when missing."""
    for email, role in STAFF_ACCOUNTS:
        with shop.db.read() as session:
            found = session.scalar(select(StaffUser.id).where(StaffUser.email == email))
        if found is None:
            create_staff_user(shop, email=email, password=DEMO_PASSWORD, role=role)


def seed_demo(
    shop: Shop,
    options: SeedOptions,
    *,
    if_empty: bool = False,
    progress: Callable[[int], None] | None = None,
    in_process: bool | None = None,
) -> SeedReport:
    """Write ``options.orders`` orders of history; with ``if_empty``, do nothing when orders exist."""
    started = time.perf_counter()
    existing = order_count(shop)
    if existing and if_empty:
        return SeedReport(existing, 0, 0.0, skipped=True)
    _check_empty(shop)
    ensure_staff(shop)
    setup = Setup(
        options=options,
        dialect=shop.db.dialect,
        now=options.now if options.now is not None else int(utcnow().timestamp()),
        # Staff events name the staff member by email, as the staff hub records them.
        staff_id="staff@example.com",
        manager_id="manager@example.com",
        currency=shop.currency,
        hold_policy=shop.hold_policy,
        return_policy=shop.return_policy,
    )
    with BulkWriter(shop.db) as writer:
        write_history(writer, chunks_for(setup, in_process), progress)
    counts = dict(writer.counts)
    return SeedReport(counts["orders"], counts["events"], time.perf_counter() - started, counts)
