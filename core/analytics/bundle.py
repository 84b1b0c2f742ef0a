"""Every KPI for one set of filters, compared with the previous period, and a cache in front of it.

The bundle is what the dashboard plots, what the JSON endpoint returns and what the CLI prints, so
the three can never disagree. Results are cached per filters and per newest event id: a new event
makes a new key, so nothing stale is served after a change.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Protocol

from core.analytics import (
    delivery,
    delivery_more,
    ends,
    forecast,
    fulfilment,
    fulfilment_more,
    perfect_order,
    returns,
    returns_more,
    sales,
    sales_more,
    whatif,
)
from core.analytics.definitions import BY_KEY, COHORT_RATES, KPIS
from core.analytics.filter_notes import filters_applied
from core.analytics.filters import Filters
from core.analytics.sql import Cursor


class Facts(Protocol):
    """Where the bundle's numbers come from: a process's own ``Warehouse`` or the shared ``StoreReader``."""

    def sync(self) -> int: ...

    def cursor(self) -> AbstractContextManager[Cursor]: ...

    @property
    def as_of(self) -> datetime | None: ...

    def precomputed(self, f: Filters) -> dict[str, Any] | None: ...


Section = Callable[[Cursor, Filters], dict[str, Any]]
WORKERS = 4

# (section, function) pairs whose dict fields hold the scalar KPIs and their counts.
SCALARS: tuple[tuple[str, Section], ...] = (
    ("sales", sales.sales_totals),
    ("sales", sales.other_currency),
    ("sales", sales_more.customers),
    ("fulfilment", fulfilment.placed_to_shipped),
    ("fulfilment", ends.fulfilment_ends),
    ("fulfilment", fulfilment.sla),
    ("fulfilment", fulfilment.waiting),
    ("fulfilment", fulfilment.cancellations),
    ("fulfilment", fulfilment_more.split_shipments),
    ("fulfilment", fulfilment_more.label_to_first_scan),
    ("delivery", delivery.transit),
    ("delivery", delivery.order_to_door),
    ("delivery", delivery.on_time),
    ("delivery", delivery.exceptions),
    ("delivery", delivery.in_transit),
    ("delivery", delivery_more.first_attempt),
    ("delivery", delivery_more.lost_damaged),
    ("delivery", delivery_more.eta_accuracy),
    ("returns", returns.return_rates),
    ("returns", returns.cohort_maturity),
    ("returns", returns.return_rate_by_period),
    ("returns", returns.exchanges),
    ("returns", returns.refunds),
    ("returns", returns.open_returns),
    ("returns", forecast.projected_return_rate),
    ("returns", returns_more.return_legs),
    ("returns", returns_more.rejections),
    ("returns", returns_more.restocking),
    ("fulfilment", perfect_order.perfect_orders),
)

SERIES_FUNCTIONS: dict[str, Callable[[Cursor, Filters], list[dict[str, Any]]]] = {
    "sales.by_period": sales.sales_by_period,
    "fulfilment.placed_to_shipped_distribution": fulfilment.placed_to_shipped_distribution,
    "fulfilment.waiting_by_age": fulfilment.waiting_by_age,
    "fulfilment.hold_queue": fulfilment.hold_queue,
    "fulfilment.holds_by_reason": fulfilment.holds_by_reason,
    "delivery.transit_by_carrier_service": delivery.transit_by_carrier_service,
    "delivery.exceptions_by_carrier": delivery.exceptions_by_carrier,
    "returns.by_cohort": forecast.returns_by_cohort,
    "returns.by_sku": returns.returns_by_sku,
    "returns.reason_mix": returns.reason_mix,
    "returns.policy_whatif": whatif.policy_whatif,
    "sales.by_product": sales_more.by_product,
    "sales.by_channel": sales_more.by_channel,
    "fulfilment.cancellations_by_reason": fulfilment_more.cancellations_by_reason,
    "delivery.on_time_by_carrier_service": delivery_more.on_time_by_carrier_service,
    "returns.resolution_split": returns_more.resolution_split,
    "returns.frequent_returners": returns_more.frequent_returners,
    "returns.reasons_by_sku": returns_more.reasons_by_sku,
    "fulfilment.perfect_order_failures": perfect_order.perfect_order_failures,
}


HOLD_QUEUE = "fulfilment.hold_queue"


def scalars(cur: Cursor, f: Filters, queue: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Every scalar figure, keyed ``<section>.<field>`` (KPIs and the counts behind them); ``queue``: the
    period's hold queue if the caller has read it already (it is also a series)."""
    found: dict[str, Any] = {}
    for section, function in SCALARS:
        found |= {f"{section}.{name}": value for name, value in function(cur, f).items()}
    queue = fulfilment.hold_queue(cur, f) if queue is None else queue
    found["fulfilment.orders_on_hold"] = sum(row["orders"] for row in queue)
    return found


def compare(value: Any, previous: Any, up_is_good: bool | None) -> dict[str, Any]:
    """The value beside the previous period's, with the change and whether it is good news."""
    if value is None or previous is None:
        return {"value": value, "previous": previous, "delta": None, "change": None, "better": None}
    delta = round(value - previous, 4) if isinstance(value, float) or isinstance(previous, float) else value - previous
    change = None if previous == 0 else round(delta / abs(previous), 4)
    better = None if up_is_good is None or delta == 0 else (delta > 0) == up_is_good
    return {"value": value, "previous": previous, "delta": delta, "change": change, "better": better}


def immature(comparison: dict[str, Any], open_share: float | None, previous_open_share: float | None) -> dict[str, Any]:
    """A cohort rate while orders of either cohort can still be sent back: flagged, with the share still
    open, and never coloured (an early, low return rate is not good news)."""
    incomplete = bool(open_share) or bool(previous_open_share)
    better = None if incomplete else comparison["better"]
    return comparison | {"better": better, "incomplete": incomplete, "open_share": open_share}


def _kpis(now: dict[str, Any], before: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each KPI's identity (label, unit, basis) beside its comparison: the JSON says what a number is."""
    found = {k.key: k.identity() | compare(now[k.key], before[k.key], k.up_is_good) for k in KPIS}
    share, previous_share = now["returns.cohort_open_share"], before["returns.cohort_open_share"]
    found |= {key: immature(found[key], share, previous_share) for key in COHORT_RATES}
    return forecast.beside(found, now)


def _in_parallel(cur: Cursor, jobs: dict[str, Callable[[Cursor], Any]]) -> dict[str, Any]:
    """Run independent queries side by side, each on its own cursor (DuckDB releases the GIL)."""

    def run(job: Callable[[Cursor], Any]) -> Any:
        own = cur.cursor()
        try:
            return job(own)
        finally:
            own.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {name: pool.submit(run, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def compute(cur: Cursor, f: Filters) -> dict[str, Any]:
    """The whole bundle: KPIs with their comparison, the counts behind them, and every series."""
    previous = f.previous()

    def now_with_queue(c: Cursor) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        # The hold queue is both a series and the on-hold count, and one of the costliest queries (the
        # status at the period's end from the log of moves): read once.
        queue = fulfilment.hold_queue(c, f)
        return scalars(c, f, queue), queue

    jobs: dict[str, Callable[[Cursor], Any]] = {"now": now_with_queue, "before": lambda c: scalars(c, previous)}
    jobs |= {key: (lambda c, fn=fn: fn(c, f)) for key, fn in SERIES_FUNCTIONS.items() if key != HOLD_QUEUE}
    done = _in_parallel(cur, jobs)
    (now, queue), before = done["now"], done["before"]
    done[HOLD_QUEUE] = queue
    return {
        "filters": f.as_dict(),
        "filters_applied": filters_applied(f.channel, f.carrier, f.sku),
        "previous_period": {"from": previous.start.isoformat(), "to": previous.end.isoformat()},
        "kpis": _kpis(now, before),
        "reporting_currency": f.currency,
        "currency_note": sales.other_currency_note(f.currency, now["sales.other_currency_orders"]),
        "counts": {key: value for key, value in now.items() if key not in BY_KEY},
        "series": {key: done[key] for key in SERIES_FUNCTIONS},
    }


def without_money(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle as staff (not managers) see it: no sales section, no money anywhere."""

    def keep(key: str) -> bool:
        money = key.endswith("_minor") or key in whatif.MONEY_SERIES
        return not key.startswith("sales.") and not money and key != "returns.return_rate_by_value"

    series = {
        # A share of value (returns.resolution_split) is money by another name, like the value return rate.
        key: [{k: v for k, v in row.items() if not k.endswith("_minor") and not k.startswith("value_")} for row in rows]
        for key, rows in bundle["series"].items()
        if keep(key)
    }
    kpis = {key: value for key, value in bundle["kpis"].items() if keep(key)}
    counts = {key: value for key, value in bundle["counts"].items() if keep(key)}
    hidden = {"currency_note": None} if "currency_note" in bundle else {}  # a note about money figures
    return bundle | {"kpis": kpis, "counts": counts, "series": series} | hidden


def stamped(result: dict[str, Any], event_id: int, as_of: datetime | None) -> dict[str, Any]:
    """The bundle with what it is as of: the newest event it includes, and that event's time."""
    return result | {"as_of_event_id": event_id, "as_of": as_of.astimezone(UTC).isoformat() if as_of else None}


class KpiService:
    """Bundles per filters, cached until a new event arrives (or ``ttl`` passes: snapshots age)."""

    def __init__(self, warehouse: Facts, *, ttl: float = 60.0, size: int = 64) -> None:
        self.warehouse = warehouse
        self.ttl, self.size = ttl, size
        self._cache: OrderedDict[tuple[Any, ...], tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def bundle(self, f: Filters) -> dict[str, Any]:
        event_id = self.warehouse.sync()
        key = (f.cache_key(), event_id)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and time.monotonic() - hit[0] < self.ttl:
                self._cache.move_to_end(key)
                return hit[1]
        result = self.warehouse.precomputed(f)
        if result is None:
            with self.warehouse.cursor() as cur:
                result = compute(cur, f)
        result = stamped(result, event_id, self.warehouse.as_of)
        with self._lock:
            self._cache[key] = (time.monotonic(), result)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return result
