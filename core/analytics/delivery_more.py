"""Delivery KPIs managers expect beside transit times: first-attempt deliveries, on time per carrier and
service, lost or damaged parcels and what they cost in refunds, and how accurate the ETAs were.

Like ``delivery``, these count outbound parcels that left in the period (the carrier filter keeps one
carrier's parcels), measured with everything known now. Days are the shop's.
"""

from __future__ import annotations

from typing import Any

from core.analytics.delivery import DUE, ON_TIME, PROMISED, shipped_sql
from core.analytics.filters import Filters
from core.analytics.kpi import Kpi
from core.analytics.sql import Cursor, local_day_sql, one, rate, run, scope_sql
from core.lifecycle import ExceptionReason

# A missed delivery attempt is recorded as a carrier exception with this sub-reason.
MISSED = ExceptionReason.FAILED_ATTEMPT.value
LOST_OR_DAMAGED = (ExceptionReason.LOST.value, ExceptionReason.DAMAGED.value)

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "delivery.first_attempt_rate",
        "Delivered at first attempt",
        "share",
        True,
        "Delivered parcels with no failed delivery attempt (carrier exception failed_attempt) before"
        " their delivery / delivered parcels, over outbound parcels shipped in the period.",
        basis="parcels shipped in the period and delivered",
    ),
    Kpi(
        "delivery.lost_damaged_rate",
        "Lost or damaged",
        "share",
        False,
        "Parcels with a lost or damaged carrier exception / parcels shipped in the period.",
        basis="parcels shipped in the period",
    ),
    Kpi(
        "delivery.lost_damaged_refunds_minor",
        "Refunds for lost or damaged parcels",
        "minor",
        False,
        "Refunds made on the orders of those parcels, from the first lost or damaged exception on"
        " (whatever their date; return refunds included).",
        basis="parcels shipped in the period",
    ),
    Kpi(
        "delivery.eta_accuracy",
        "ETA accuracy",
        "share",
        True,
        "Delivered parcels that arrived on the day of the latest ETA given before their delivery day"
        " (the label's ETA if the carrier gave none) / delivered parcels with an ETA.",
        basis="parcels shipped in the period and delivered",
    ),
)

SERIES: dict[str, str] = {
    "delivery.on_time_by_carrier_service": "Per carrier and service: parcels delivered on or before the"
    " originally promised day / parcels delivered or past that day (the on-time rule), over parcels"
    " shipped in the period.",
}


def first_attempt(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Delivered parcels without a missed attempt before delivery."""
    delivered, first = one(
        cur,
        f"""WITH {scope_sql(f)}, {shipped_sql(f)},
        delivered AS (SELECT id, delivered_at FROM shipped WHERE delivered_at IS NOT NULL),
        missed AS (SELECT DISTINCT e.shipment_id FROM exceptions_f e JOIN delivered d ON d.id = e.shipment_id
                   WHERE e.reason = $missed AND e.occurred_at < d.delivered_at)
        SELECT count(*), count(*) FILTER (WHERE id NOT IN (SELECT shipment_id FROM missed)) FROM delivered""",
        f,
        missed=MISSED,
    )
    return {"first_attempt_parcels": int(first), "first_attempt_rate": rate(first, delivered)}


def lost_damaged(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Parcels lost or damaged, and the refunds their orders got from then on."""
    hit, parcels, refunded = one(
        cur,
        f"""WITH {scope_sql(f)}, {shipped_sql(f)},
        hit AS (SELECT e.shipment_id, any_value(s.order_id) AS order_id, min(e.occurred_at) AS since
                FROM exceptions_f e JOIN shipped s ON s.id = e.shipment_id
                WHERE e.reason IN {LOST_OR_DAMAGED} GROUP BY 1),
        hit_orders AS (SELECT order_id, min(since) AS since FROM hit GROUP BY 1)
        SELECT (SELECT count(*) FROM hit), (SELECT count(*) FROM shipped),
               (SELECT coalesce(sum(r.amount_minor), 0) FROM refunds_f r JOIN hit_orders h USING (order_id)
                WHERE r.created_at >= h.since)""",
        f,
    )
    return {
        "lost_damaged_parcels": int(hit),
        "lost_damaged_rate": rate(hit, parcels),
        "lost_damaged_refunds_minor": int(refunded),
    }


def eta_accuracy(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Delivered parcels that came on the day the customer was last told before that day."""
    judged, exact = one(
        cur,
        f"""WITH {scope_sql(f)}, {shipped_sql(f)},
        delivered AS (SELECT id, original_eta, {local_day_sql("delivered_at")} AS day
                      FROM shipped WHERE delivered_at IS NOT NULL),
        latest AS (SELECT d.id, arg_max(e.eta, (e.occurred_at, e.id)) AS eta FROM delivered d
                   JOIN etas_f e ON e.shipment_id = d.id WHERE {local_day_sql("e.occurred_at")} < d.day GROUP BY 1),
        told AS (SELECT d.day, {local_day_sql("coalesce(l.eta, d.original_eta)")} AS promised
                 FROM delivered d LEFT JOIN latest l USING (id))
        SELECT count(*), count(*) FILTER (WHERE day = promised) FROM told WHERE promised IS NOT NULL""",
        f,
    )
    return {"eta_judged_parcels": int(judged), "eta_exact_parcels": int(exact), "eta_accuracy": rate(exact, judged)}


def on_time_by_carrier_service(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """The on-time rule per carrier and service, every carrier and service with a due parcel."""
    rows = run(
        cur,
        f"""WITH {scope_sql(f)}, {shipped_sql(f)}, {PROMISED}
        SELECT carrier, service, count(*) FILTER (WHERE {ON_TIME}), count(*) FILTER (WHERE {DUE})
        FROM promised GROUP BY 1, 2 HAVING count(*) FILTER (WHERE {DUE}) > 0 ORDER BY 1, 2""",
        f,
    )
    return [
        {"carrier": c, "service": s, "on_time": int(n), "due": int(d), "on_time_rate": rate(n, d)}
        for c, s, n, d in rows
    ]
