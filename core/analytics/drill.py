"""Drill-down: the orders behind one bar or point of a chart, a page at a time.

Each kind names the chart; the key names the bar (a period, a bucket label, "carrier|service"...).
The order sets use the same definitions as the KPI they come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.analytics.delivery import DUE, ON_TIME, PROMISED, shipped_sql
from core.analytics.filters import Filters
from core.analytics.fulfilment import SHIP_BUCKETS, WAIT_BUCKETS, bucket_case, held_sql
from core.analytics.fulfilment_more import CANCELLED_SQL
from core.analytics.sales import orders_booked_sql
from core.analytics.sql import Cursor, buckets_sql, one, run, scope_sql, shipment_carrier_sql
from core.errors import ValidationFailed

_SHIPPED = "s.kind = 'outbound' AND s.shipped_at >= $start AND s.shipped_at < $end"
_VALID_RETURNS = "SELECT rl.order_id, rl.reason, rl.resolution, rl.order_line_id, r.created_at FROM return_lines_f rl JOIN returns_f r ON r.id = rl.return_id WHERE r.status NOT IN ('rejected', 'cancelled')"
_IN_RANGE = "placed_at >= $start AND placed_at < $end AND cancelled_at IS NULL"
_ASKED = "v.created_at >= $start AND v.created_at < $end"  # returns asked in the range
# Each sales bar's orders: those with an amount of its line booked in the period (core.analytics.sales).
SALES_DRILLS = {
    "sales_period": ("orders",),
    "sales_returns": ("returns",),
    "sales_cancellations": ("cancellations",),
    "sales_other_refunds": ("other_refunds",),
    "sales_net": ("orders", "returns", "cancellations"),
}


def _orders_sql(f: Filters) -> dict[str, str]:
    """Per drill kind, a query of order ids in ``scoped`` matching ``$key`` (and ``$key2``)."""
    return {kind: orders_booked_sql(f, lines) for kind, lines in SALES_DRILLS.items()} | {
        "ship_bucket": f"SELECT order_id FROM scoped WHERE {_IN_RANGE} AND shipped_at IS NOT NULL"
        f" AND {bucket_case('hours_between(placed_at, shipped_at)', SHIP_BUCKETS)} = $key",
        "wait_bucket": "SELECT order_id FROM scoped WHERE placed_at < $snapshot AND (shipped_at IS NULL OR shipped_at >= $snapshot)"
        " AND (cancelled_at IS NULL OR cancelled_at >= $snapshot)"
        f" AND {bucket_case('hours_between(placed_at, $snapshot)', WAIT_BUCKETS)} = $key",
        "hold_reason": f"WITH {held_sql(f)} SELECT order_id FROM held WHERE hold_reason = $key",
        "cancel_reason": f"WITH {CANCELLED_SQL} SELECT order_id FROM cancelled WHERE reason = $key",
        # The on-time bar's gap: orders with a parcel of that carrier and service that is due and not on time.
        "late": f"WITH {shipped_sql(f)}, {PROMISED} SELECT order_id FROM promised WHERE ({DUE})"
        f" AND NOT coalesce({ON_TIME}, false) AND carrier = $key AND service = $key2",
        "carrier_service": f"SELECT s.order_id FROM shipments_f s WHERE {_SHIPPED} AND s.carrier = $key AND s.service = $key2",
        "exception": f"SELECT s.order_id FROM shipments_f s JOIN exceptions_f e ON e.shipment_id = s.id WHERE {_SHIPPED}"
        f" AND {shipment_carrier_sql(f)} AND s.carrier = $key AND e.reason = $key2",
        "cohort": f"SELECT v.order_id FROM ({_VALID_RETURNS}) v JOIN scoped USING (order_id)"
        f" WHERE {_IN_RANGE} AND {buckets_sql('placed_at')} = CAST($key AS DATE)",
        "sku": f"SELECT v.order_id FROM ({_VALID_RETURNS}) v JOIN lines_f l ON l.id = v.order_line_id"
        " JOIN scoped o ON o.order_id = v.order_id WHERE o.placed_at >= $start AND o.placed_at < $end"
        " AND o.cancelled_at IS NULL AND l.sku = $key",
        "reason": f"SELECT order_id FROM ({_VALID_RETURNS}) v WHERE v.created_at >= $start AND v.created_at < $end AND v.reason = $key",
        "resolution": f"SELECT order_id FROM ({_VALID_RETURNS}) v WHERE {_ASKED} AND v.resolution = $key",
        "sku_reason": f"SELECT v.order_id FROM ({_VALID_RETURNS}) v JOIN lines_f l ON l.id = v.order_line_id"
        f" WHERE {_ASKED} AND l.sku = $key AND v.reason = $key2",
    }


DRILL_KINDS = tuple(_orders_sql(Filters(start=datetime(2000, 1, 1).date(), end=datetime(2000, 1, 1).date())))


@dataclass(frozen=True)
class DrillPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int


def _split(kind: str, key: str) -> tuple[str, str]:
    if kind in {"carrier_service", "exception", "late", "sku_reason"}:
        first, _, second = key.partition("|")
        return first, second
    return key, ""


def drill_orders(cur: Cursor, f: Filters, kind: str, key: str, *, page: int = 0, page_size: int = 20) -> DrillPage:
    """One page of the orders behind ``kind``/``key``, newest first, with the total."""
    queries = _orders_sql(f)
    if kind not in queries:
        raise ValidationFailed(f"Unknown drill-down {kind!r}.", field="kind")
    if not 0 <= page <= 100_000 or not 1 <= page_size <= 100_000:
        raise ValidationFailed("Page out of range.", field="page")
    first, second = _split(kind, key[:200])
    base = f"WITH {scope_sql(f)}, picked AS (SELECT DISTINCT order_id FROM ({queries[kind]}) WHERE order_id IN (SELECT order_id FROM scoped))"
    (total,) = one(cur, f"{base} SELECT count(*) FROM picked", f, key=first, key2=second)
    rows = run(
        cur,
        f"""{base} SELECT o.order_id, o.number, o.placed_at, o.status, o.channel, o.subtotal_minor - o.discount_minor
        FROM orders_f o JOIN picked USING (order_id) ORDER BY o.placed_at DESC, o.order_id DESC
        LIMIT $limit OFFSET $offset""",
        f,
        key=first,
        key2=second,
        limit=page_size,
        offset=page * page_size,
    )
    names = ("order_id", "number", "placed_at", "status", "channel", "value_minor")
    found = [dict(zip(names, row, strict=True)) | {"placed_at": row[2].isoformat(timespec="minutes")} for row in rows]
    return DrillPage(found, int(total), page, page_size)
