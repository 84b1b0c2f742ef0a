"""Small helpers shared by the KPI modules: the filtered order scope, parameters and rounding."""

from __future__ import annotations

import re
from typing import Any

import duckdb

from core.analytics.filters import Filters

Cursor = duckdb.DuckDBPyConnection
_PARAM = re.compile(r"\$([a-z_0-9]+)")


def scope_sql(f: Filters) -> str:
    """``scoped``: the orders matching channel and product (the date range is per KPI).

    Product keeps orders with a line of that SKU: an order-level filter, the order's whole figures
    count. The carrier filter is not an order filter: an order has no carrier until a parcel is
    labelled, so keeping only labelled orders would distort order KPIs (a cancellation rate over
    orders that mostly shipped). It restricts the parcel KPIs only (``shipment_carrier_sql``)."""
    clauses = ["TRUE"]
    if f.channel:
        clauses.append("o.channel = $channel")
    if f.sku:
        clauses.append("o.order_id IN (SELECT order_id FROM lines_f WHERE sku = $sku)")
    return f"scoped AS (SELECT o.* FROM orders_f o WHERE {' AND '.join(clauses)})"


def order_filter(f: Filters, column: str) -> str:
    """Restrict rows of another fact table to the scoped orders — or nothing at all when no filter
    applies (a join against every order would cost a full scan for nothing)."""
    if f.channel or f.sku:
        return f"{column} IN (SELECT order_id FROM scoped)"
    return "TRUE"


def priced_row_sql(orders: str) -> str:
    """Whether the ``orders_f`` row ``orders`` is in the reporting currency ($currency). Money sums keep only
    those orders: amounts of different currencies are never added (no exchange rates are recorded, so none
    are converted); counts keep every row (docs/kpis.md, Currency)."""
    return f"{orders}.currency = $currency"


def priced_sql(column: str) -> str:
    """The same rule for a row that names its order (``column``)."""
    return f"{column} IN (SELECT o.order_id FROM orders_f o WHERE {priced_row_sql('o')})"


def shipment_carrier_sql(f: Filters, alias: str = "s") -> str:
    """Parcel KPIs (``definitions.CARRIER_FILTERED``) count only the chosen carrier's parcels."""
    return f"{alias}.carrier = $carrier" if f.carrier else "TRUE"


def status_at_sql(name: str, aggregate: str) -> str:
    """``name``: each order's, parcel's or return's status at the snapshot ($snapshot), from the log of
    status moves (``moves_f``) — a snapshot of a past period is what was true then, not now."""
    key = f"{aggregate}_id" if aggregate != "order" else "order_id"
    return (
        f"{name} AS (SELECT {key} AS id, any_value(order_id) AS order_id,"
        f" arg_max({aggregate}_to, (occurred_at, id)) AS status FROM moves_f"
        f" WHERE {aggregate}_to IS NOT NULL AND occurred_at < $snapshot GROUP BY 1)"
    )


def params(f: Filters) -> dict[str, Any]:
    return {
        "start": f.start_at,
        "end": f.end_at,
        "now": f.now,
        "snapshot": f.snapshot_at,
        "channel": f.channel,
        "carrier": f.carrier,
        "sku": f.sku,
        "sla": f.sla_hours,
        "window": f.return_window_days,
        "grain": f.granularity,
        "zone": f.timezone,
        "first_day": f.start,
        "last_day": f.end,
        "currency": f.currency,
    }


def run(cur: Cursor, sql: str, f: Filters, **extra: Any) -> list[tuple[Any, ...]]:
    """Execute with only the named parameters the statement uses (DuckDB refuses unused ones)."""
    values = params(f) | extra
    used = {name: values[name] for name in set(_PARAM.findall(sql))}
    return cur.execute(sql, used).fetchall()


def one(cur: Cursor, sql: str, f: Filters, **extra: Any) -> tuple[Any, ...]:
    return run(cur, sql, f, **extra)[0]


def hours(value: float | None) -> float | None:
    """Durations are reported in hours to two decimals."""
    return None if value is None else round(float(value), 2)


def rate(part: int | float, whole: int | float) -> float | None:
    """A share in [0, 1] to four decimals; None when there is nothing to divide by."""
    return None if not whole else round(part / whole, 4)


def per(total_minor: int, count: int) -> int | None:
    """Money per item, rounded half up to a whole minor unit."""
    return None if not count else (2 * int(total_minor) + count) // (2 * count)


def local_time_sql(column: str) -> str:
    """A stored (naive UTC) timestamp as the shop's wall-clock time: the one rule every KPI uses to
    say which day, week, month or business hour something happened in (``core.arrival.local_day``
    is the same rule for pages)."""
    return f"shop_local({column}, $zone)"


def local_day_sql(column: str) -> str:
    """The shop-local day of a stored timestamp."""
    return f"CAST({local_time_sql(column)} AS DATE)"


def buckets_sql(column: str) -> str:
    """The shop-local period a timestamp falls in, as a DATE (weeks start on Monday)."""
    return f"CAST(date_trunc($grain, {local_day_sql(column)}) AS DATE)"


def all_buckets_sql() -> str:
    """Every period of the range, so charts show empty periods as zero rather than skipping them."""
    return (
        "SELECT CAST(b AS DATE) AS period FROM generate_series(date_trunc($grain, CAST($first_day AS TIMESTAMP)),"
        " CAST($last_day AS TIMESTAMP), CAST('1 ' || $grain AS INTERVAL)) t(b)"
    )
