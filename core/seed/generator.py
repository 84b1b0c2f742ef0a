"""The whole seeded history, as a stream of row chunks ready for the bulk writer.

Deterministic: the same seed, size and clock give the same rows. The generator touches no
database, so it can run in another process while the writer inserts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from core.policies import HoldPolicy, ReturnPolicy
from core.seed.aftercare import plan_aftercare
from core.seed.catalog import Catalogue, build_catalogue
from core.seed.context import Context, Ids
from core.seed.demo import demo_plans
from core.seed.numbers import Numbers
from core.seed.people import People
from core.seed.planner import plan_order
from core.seed.plans import Actor, OrderPlan
from core.seed.recorder import SYSTEM, Recorder
from core.seed.runner import build_order, emit_rows, play
from core.seed.stamps import Stamps
from core.seed.stock import StockLedger
from core.seed.timeline import placement_times


@dataclass(frozen=True)
class SeedOptions:
    orders: int
    days: int
    seed: int
    batch_size: int = 5_000  # orders per chunk handed to the writer
    now: int | None = None  # epoch seconds; None means the real clock (tests pin it)


@dataclass(frozen=True)
class Setup:
    """Everything the generator needs, picklable so it can run in a worker process."""

    options: SeedOptions
    dialect: str
    now: int
    staff_id: str | None = None
    manager_id: str | None = None
    currency: str = "USD"
    hold_policy: HoldPolicy = field(default_factory=HoldPolicy)
    return_policy: ReturnPolicy = field(default_factory=ReturnPolicy)


@dataclass
class Chunk:
    rows: dict[str, list[tuple[Any, ...]]]
    orders: int = 0  # orders completed in this chunk, for the progress bar
    stock: list[tuple[int, int, int]] = field(default_factory=list)  # (on_hand, reserved, variant id), last chunk


def _context(setup: Setup, catalogue: Catalogue) -> Context:
    ids = Ids({"products": len(catalogue.products), "variants": len(catalogue.variants)})
    stamps = Stamps(setup.dialect)
    return Context(
        ids=ids,
        numbers=Numbers(setup.options.seed),
        stamps=stamps,
        recorder=Recorder(stamps, setup.now, ids),
        ledger=StockLedger(catalogue.variants),
        staff=Actor("staff", setup.staff_id),
        manager=Actor("staff", setup.manager_id or setup.staff_id),
        now=setup.now,
        currency=setup.currency,
        hold_policy=setup.hold_policy,
        return_policy=setup.return_policy,
    )


def _run(cx: Context, plan: OrderPlan, rng: random.Random) -> None:
    order_id = cx.ids("orders")
    if plan.new_customer:
        customer = plan.customer
        cx.recorder.batch.add("customers", customer.row(cx.stamps.text(customer.created)))
    order = build_order(cx, plan, order_id, rng)
    play(cx, order)
    emit_rows(cx, order)


def _settle(cx: Context, catalogue: Catalogue, rng: random.Random) -> list[tuple[int, int, int]]:
    """Opening stock per variant, and the reorder alerts the services would have raised on the way."""
    levels = []
    for variant in catalogue.variants:
        settled = cx.ledger.settle(variant, rng)
        levels.append((settled.on_hand, settled.reserved, variant.id))
        for t, available in settled.reorders:
            payload = {"sku": variant.sku, "available": available, "reorder_point": variant.reorder_point}
            cx.recorder.event(None, "stock.reorder_needed", t, SYSTEM, payload, variant_id=variant.id)
    return levels


def _catalogue_chunk(catalogue: Catalogue, currency: str) -> Chunk:
    products = [(pid, handle, name) for pid, handle, name in catalogue.products]
    return Chunk({"products": products, "variants": catalogue.variant_rows(currency)})


def generate(setup: Setup) -> Iterator[Chunk]:
    """Catalogue first, then the demo customer's orders, then every other order in time order."""
    options = setup.options
    rng = random.Random(f"shiplog-seed-{options.seed}")
    catalogue = build_catalogue(random.Random(f"shiplog-catalogue-{options.seed}"))
    yield _catalogue_chunk(catalogue, setup.currency)
    cx = _context(setup, catalogue)
    people = People()
    demos = demo_plans(catalogue, people, setup.now)[: options.orders]
    times = placement_times(rng, options.orders - len(demos), options.days, setup.now)
    pending = 0
    for plan in demos:
        _run(cx, plan, rng)
        pending += 1
    for placed in times:
        plan = plan_order(rng, catalogue, people, placed, setup.hold_policy)
        plan_aftercare(rng, plan, setup.return_policy)
        _run(cx, plan, rng)
        pending += 1
        if pending >= options.batch_size:
            yield Chunk(cx.recorder.batch.take(), pending)
            pending = 0
    stock = _settle(cx, catalogue, rng)
    yield Chunk(cx.recorder.batch.take(), pending, stock)
