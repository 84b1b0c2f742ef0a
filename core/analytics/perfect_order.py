"""Perfect order: an order that left within the SLA, arrived by its first promise, met no carrier
exception and did not come back damaged or wrong — judged per order, with its reasons when it failed.

Each test is the rule its own KPI uses, called, not copied: the SLA decision of ``fulfilment.sla_share``
(``within_sla_sql``), the on-time rule of ``delivery.on_time_rate`` (``on_time_sql``, the shop's days).
The orders judged are those placed in the period, not cancelled, whose outcome is known now: fully
delivered, or already failed (an order still on its way that has failed nothing yet is left out).
"""

from __future__ import annotations

from typing import Any

from core.analytics import returns
from core.analytics.delivery import on_time_sql, promise_due_sql
from core.analytics.filters import Filters
from core.analytics.fulfilment import sla_due_sql, within_sla_sql
from core.analytics.kpi import Kpi
from core.analytics.sql import Cursor, one, rate, run, scope_sql

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "fulfilment.perfect_order_rate",
        "Perfect orders",
        "share",
        True,
        "Orders shipped within the SLA, delivered on or before the first promised day, with no carrier exception"
        " and not returned as damaged or wrong / orders delivered or already failed one of these.",
        basis="orders placed in the period whose outcome is known",
    ),
)

SERIES: dict[str, str] = {
    "fulfilment.perfect_order_failures": "Orders placed in the period that failed the perfect order, newest first"
    " (up to 1,000), each with the tests it failed: shipped late, delivered late, carrier exception,"
    " returned damaged or wrong.",
}

# Return reasons that are the shop's or the carrier's fault (codes of core.policies.RETURN_REASONS).
FAULT_REASONS: tuple[str, ...] = ("damaged", "wrong_item")
# The tests, in the order the table lists them, with the words the dashboard shows for a failed one.
FAILURE_WORDS: dict[str, str] = {
    "late_shipment": "Shipped after the SLA",
    "late_delivery": "Delivered after the promised day",
    "exception": "Carrier exception",
    "returned_damaged_or_wrong": "Returned damaged or wrong",
}
FAILURES: tuple[str, ...] = tuple(FAILURE_WORDS)
FAILURE_LIMIT = 1_000

# The parcels that left, as on-time counts them: a label never shipped promised nothing yet.
_PARCELS = (
    "parcels AS (SELECT order_id, bool_or(original_eta IS NOT NULL AND {due} AND NOT coalesce({on_time}, FALSE))"
    " AS late FROM shipments_f WHERE kind = 'outbound' AND shipped_at IS NOT NULL"
    " AND order_id IN (SELECT order_id FROM cohort) GROUP BY 1)"
)
_HIT = (
    "hit AS (SELECT DISTINCT e.order_id FROM exceptions_f e JOIN shipments_f s ON s.id = e.shipment_id"
    " WHERE s.kind = 'outbound' AND e.order_id IN (SELECT order_id FROM cohort))"
)
_FAULTY = f"faulty AS (SELECT DISTINCT order_id FROM valid WHERE reason IN {FAULT_REASONS})"


def judged_sql(f: Filters) -> str:
    """``judged``: every order of the period's cohort with one flag per test and whether it arrived.
    Materialized: DuckDB would otherwise inline the flags into every FILTER that names them and work
    out the SLA's shop-clock business hours once per mention rather than once per order."""
    parcels = _PARCELS.format(due=promise_due_sql(), on_time=on_time_sql())
    return (
        f"{scope_sql(f)}, {returns._VALID},"
        " cohort AS (SELECT * FROM scoped WHERE placed_at >= $start AND placed_at < $end AND cancelled_at IS NULL),"
        f" {parcels}, {_HIT}, {_FAULTY},"
        " judged AS MATERIALIZED (SELECT c.order_id, c.number, c.placed_at, c.delivered_at IS NOT NULL AS delivered,"
        f" {sla_due_sql(f)} AND NOT {within_sla_sql(f)} AS late_shipment,"
        " coalesce(p.late, FALSE) AS late_delivery,"
        " c.order_id IN (SELECT order_id FROM hit) AS exception,"
        " c.order_id IN (SELECT order_id FROM faulty) AS returned_damaged_or_wrong"
        " FROM cohort c LEFT JOIN parcels p USING (order_id))"
    )


_FAILED = " OR ".join(FAILURES)


def perfect_orders(cur: Cursor, f: Filters) -> dict[str, Any]:
    """The rate over orders whose outcome is known, and the count behind each failed test."""
    counts = ", ".join(f"count(*) FILTER (WHERE {name})" for name in FAILURES)
    known, perfect, *failed = one(
        cur,
        f"""WITH {judged_sql(f)}
        SELECT count(*) FILTER (WHERE delivered OR {_FAILED}), count(*) FILTER (WHERE delivered AND NOT ({_FAILED})),
               {counts}
        FROM judged""",
        f,
    )
    found = {
        "perfect_order_judged": int(known),
        "perfect_orders": int(perfect),
        "perfect_order_rate": rate(perfect, known),
    }
    return found | {f"perfect_order_{name}": int(n) for name, n in zip(FAILURES, failed, strict=True)}


def perfect_order_failures(cur: Cursor, f: Filters, limit: int = FAILURE_LIMIT) -> list[dict[str, Any]]:
    """The orders that failed, newest first, each with the tests it failed (codes of ``FAILURES``)."""
    rows = run(
        cur,
        f"""WITH {judged_sql(f)}
        SELECT order_id, number, placed_at, {", ".join(FAILURES)} FROM judged WHERE {_FAILED}
        ORDER BY placed_at DESC, order_id DESC LIMIT $limit""",
        f,
        limit=limit,
    )
    return [
        {
            "order_id": int(order_id),
            "number": number,
            "placed_at": placed.isoformat(timespec="minutes"),
            "reasons": [name for name, hit in zip(FAILURES, flags, strict=True) if hit],
        }
        for order_id, number, placed, *flags in rows
    ]
