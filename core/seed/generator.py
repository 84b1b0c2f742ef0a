"""The whole seeded history, as a stream of row chunks ready for the bulk writer.

Deterministic: the same seed, size and clock give the same rows. The generator touches no
database, so it can run in another process while the writer inserts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from core.events import orders as facts
from core.events.fact import SYSTEM, Act, Actor
from core.lifecycle import record
from core.models import Product, Variant
from core.policies import HoldPolicy, ReturnPolicy
from core.seed.aftercare import plan_aftercare
from core.seed.catalog import Catalogue, VariantInfo, build_catalogue
from core.seed.context import Context
from core.seed.demo import demo_plans
from core.seed.numbers import Numbers
from core.seed.people import People
from core.seed.planner import plan_order
from core.seed.records import SHAPES
from core.seed.runner import play
from core.seed.stamps import Stamps
from core.seed.stock import StockLedger
from core.seed.timeline import placement_times
from core.seed.unit import Ids, SeedUnit, at


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
    unit = SeedUnit(ids, Stamps(setup.dialect), setup.now, StockLedger(catalogue.variants))
    return Context(
        numbers=Numbers(setup.options.seed),
        unit=unit,
        catalogue=catalogue,
        staff=Actor("staff", setup.staff_id, role="staff"),
        manager=Actor("staff", setup.manager_id or setup.staff_id, role="manager"),
        now=setup.now,
        currency=setup.currency,
        hold_policy=setup.hold_policy,
        return_policy=setup.return_policy,
    )


def _settle(cx: Context, catalogue: Catalogue, rng: random.Random) -> list[tuple[int, int, int]]:
    """Opening stock per variant, and the reorder alerts the services would have raised on the way."""
    levels = []
    for variant in catalogue.variants:
        settled = cx.unit.stock.ledger.settle(variant, rng)
        levels.append((settled.on_hand, settled.reserved, variant.id))
        for t, available in settled.reorders:
            alert = facts.stock_reorder_needed(
                variant_id=variant.id, sku=variant.sku, available=available, reorder_point=variant.reorder_point
            )
            record(cx.unit, Act(SYSTEM, at(t)), alert)
    return levels


def _variant(v: VariantInfo, currency: str) -> Any:
    """A variant with no stock yet: it is set once the history is known."""
    return SHAPES[Variant].record(
        id=v.id, product_id=v.product_id, sku=v.sku, title=v.title, price_minor=v.price_minor, currency=currency,
        final_sale=v.final_sale, on_hand=0, reserved=0, reorder_point=v.reorder_point,
    )  # fmt: skip


def _catalogue_chunk(catalogue: Catalogue, currency: str) -> Chunk:
    products, variants = SHAPES[Product], SHAPES[Variant]
    text = Stamps("sqlite").text  # catalogue rows have no times
    found = [products.row(products.record(id=i, handle=h, name=n), text) for i, h, n in catalogue.products]
    made = [variants.row(_variant(v, currency), text) for v in catalogue.variants]
    return Chunk({"products": found, "variants": made})


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
        play(cx, plan, rng)
        pending += 1
    for placed in times:
        plan = plan_order(rng, catalogue, people, placed, setup.hold_policy)
        plan_aftercare(rng, plan, setup.return_policy)
        play(cx, plan, rng)
        pending += 1
        if pending >= options.batch_size:
            yield Chunk(cx.unit.take(), pending)
            pending = 0
    stock = _settle(cx, catalogue, rng)
    yield Chunk(cx.unit.take(), pending, stock)
