"""The final return rate of a cohort whose return window is still open: a Kaplan–Meier forecast.

Time-to-return runs from an order's last outbound delivery to its first valid return request, in whole
days. Orders are censored at ``now`` (still inside the window) or at the window's close. One survival
curve is estimated over every delivery of the last ``POOL_DAYS`` (the pool), because a young cohort has
no late days of its own to learn from. Each cohort's projection is then

    returned so far + Σ over its orders still open and not returned of P(return before the window
    closes | none in the days seen so far) = 1 − S(W−1) / S(seen−1),

divided by its delivered orders: a closed cohort's projection is its observed rate. The interval adds
two spreads (docs/kpis.md): the curve's, by Greenwood's formula (taken as fully correlated between the
open orders, which errs wide), and the open orders' own yes/no outcomes (binomial). It never leaves
[returned so far, returned so far + open] / delivered. Everything heavy is a GROUP BY in DuckDB: numpy
only sees one row per day of the window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.analytics import returns
from core.analytics.filters import Filters
from core.analytics.kpi import Kpi
from core.analytics.sql import Cursor, buckets_sql, rate, run, scope_sql

POOL_DAYS = 365
Z = 1.96  # two-sided 95 %

_FOLLOW = """WITH {scope},
valid AS (SELECT rl.order_id, rl.order_line_id, r.created_at AS asked_at FROM return_lines_f rl
          JOIN returns_f r ON r.id = rl.return_id WHERE r.status NOT IN ('rejected', 'cancelled')),
known AS (SELECT order_id, max(delivered_at) AS delivered FROM shipments_f
          WHERE kind = 'outbound' AND delivered_at < $now GROUP BY 1),
asked AS (SELECT v.order_id, min(v.asked_at) AS asked FROM valid v JOIN lines_f l ON l.id = v.order_line_id
          WHERE v.asked_at < $now AND l.qty_delivered > 0 GROUP BY 1),
follow AS (SELECT o.order_id, o.placed_at, k.delivered,
                  least(floor(date_diff('second', k.delivered, $now) / 86400), $window) AS seen,
                  CASE WHEN a.asked IS NOT NULL THEN least(greatest(
                      floor(date_diff('second', k.delivered, a.asked) / 86400), 0), $window - 1) END AS day
           FROM scoped o JOIN known k USING (order_id) LEFT JOIN asked a USING (order_id)
           WHERE o.cancelled_at IS NULL AND o.order_id IN (SELECT order_id FROM lines_f WHERE qty_delivered > 0))
"""

FORECAST_KPIS: tuple[Kpi, ...] = (
    Kpi(
        "returns.projected_return_rate",
        "Projected final return rate (orders)",
        "share",
        None,  # an estimate with an interval: not coloured against the previous estimate
        "The return rate by orders the period's cohort will have once every window has closed: returned so far "
        "plus, for each order still inside its window, the chance it is still sent back (Kaplan–Meier over the "
        "last year's deliveries). low/high: 95 % interval (Greenwood + the open orders' own outcomes).",
        basis="delivered orders placed in the period",
    ),
)


@dataclass(frozen=True)
class Curve:
    """The pooled survival curve on days 0..W−1 of the window."""

    log_s: np.ndarray  # log S(k): no return by the end of day k
    greenwood: np.ndarray  # Σ_{j≤k} d_j / (n_j (n_j − d_j))

    def still(self, seen: int) -> tuple[float, float]:
        """P(a return in days seen..W−1 | none before) and its variance (Greenwood, delta method)."""
        last = len(self.log_s) - 1
        if seen > last:
            return 0.0, 0.0
        before_log = self.log_s[seen - 1] if seen > 0 else 0.0
        before_var = self.greenwood[seen - 1] if seen > 0 else 0.0
        kept = math.exp(self.log_s[last] - before_log) if np.isfinite(self.log_s[last]) else 0.0
        variance = kept**2 * (self.greenwood[last] - before_var)
        return 1.0 - kept, float(variance) if np.isfinite(variance) else 0.25


def life_table(rows: list[tuple[Any, ...]], window: int) -> Curve:
    """Kaplan–Meier from (return day or None, days seen, orders) counts. A returned order is at risk
    up to its return day; one not returned on the days it was watched in full (a day still under way
    counts as unseen: censored before that day's returns)."""
    events, censored = np.zeros(window + 1), np.zeros(window + 1)
    for day, seen, count in rows:
        if day is None:
            censored[int(seen)] += count
        else:
            events[int(day)] += count
    # at risk on day k: returned on day ≥ k, or not returned and watched beyond day k
    at_risk = np.cumsum(events[::-1])[::-1][:window] + np.cumsum(censored[::-1])[::-1][1 : window + 1]
    d = events[:window]
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk > 0, d / at_risk, 0.0)
        log_s = np.cumsum(np.log1p(-hazard))
        terms = np.where(at_risk > d, d / (at_risk * (at_risk - d)), np.where(d > 0, np.inf, 0.0))
    return Curve(log_s, np.cumsum(terms))


def project(curve: Curve, delivered: int, returned: int, open_by_seen: dict[int, int]) -> dict[str, Any]:
    """Projected final returned orders / delivered, with its 95 % interval."""
    expected, spread, process, still_open = float(returned), 0.0, 0.0, 0
    for seen, count in open_by_seen.items():
        chance, variance = curve.still(seen)
        expected += count * chance
        spread += count * math.sqrt(variance)
        process += count * chance * (1 - chance)
        still_open += count
    sd = math.sqrt(spread**2 + process)
    low, high = max(returned, expected - Z * sd), min(returned + still_open, expected + Z * sd)
    return {
        "projected_return_rate": rate(expected, delivered),
        "projected_low": rate(low, delivered),
        "projected_high": rate(high, delivered),
    }


# One scan: each order counts in the pool (delivered in the last POOL_DAYS) and/or in a cohort (placed in
# the range, ``period`` set), by days seen and return day.
_COUNTS = (
    f" SELECT delivered >= $now - INTERVAL {POOL_DAYS} DAY, CASE WHEN placed_at >= $start AND placed_at < $end"
    " THEN {bucket} END AS period, seen, day, count(*) FROM follow"
    f" WHERE delivered >= $now - INTERVAL {POOL_DAYS} DAY OR (placed_at >= $start AND placed_at < $end)"
    " GROUP BY 1, 2, 3, 4"
)

Cohorts = dict[Any, tuple[int, int, dict[int, int]]]


def follow_counts(cur: Cursor, f: Filters) -> tuple[Curve, Cohorts]:
    """The pooled curve, and per period of order date: delivered, returned so far, and the open orders
    not returned by days seen."""
    query = _FOLLOW.format(scope=scope_sql(f)) + _COUNTS.replace("{bucket}", buckets_sql("placed_at"))
    rows = run(cur, query, f)
    curve = life_table([(day, seen, count) for pool, _, seen, day, count in rows if pool], f.return_window_days)
    found: Cohorts = {}
    for _, period, seen, day, count in rows:
        if period is None:
            continue
        delivered, returned, open_by_seen = found.get(period, (0, 0, {}))
        if day is not None:
            returned += count
        elif seen < f.return_window_days:
            open_by_seen[int(seen)] = open_by_seen.get(int(seen), 0) + count
        found[period] = (delivered + count, returned, open_by_seen)
    return curve, found


def cohort_projections(cur: Cursor, f: Filters) -> dict[str, dict[str, Any]]:
    """Projection per cohort (ISO date of its period) and for the whole period (key ``"period"``)."""
    curve, cohorts = follow_counts(cur, f)
    found = {p.isoformat(): project(curve, n, r, o) for p, (n, r, o) in cohorts.items()}
    total: dict[int, int] = {}
    for _, _, open_by_seen in cohorts.values():
        for seen, count in open_by_seen.items():
            total[seen] = total.get(seen, 0) + count
    delivered = sum(n for n, _, _ in cohorts.values())
    returned = sum(r for _, r, _ in cohorts.values())
    found["period"] = project(curve, delivered, returned, total) | {"forecast_delivered_orders": delivered}
    return found


def projected_return_rate(cur: Cursor, f: Filters) -> dict[str, Any]:
    """The period's cohort: ``returns.projected_return_rate`` with ``_low`` / ``_high``."""
    period = cohort_projections(cur, f)["period"]
    return {
        "projected_return_rate": period["projected_return_rate"],
        "projected_return_rate_low": period["projected_low"],
        "projected_return_rate_high": period["projected_high"],
    }


def returns_by_cohort(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """``returns.by_cohort`` with each cohort's projected final rate and its interval (None: no deliveries)."""
    projections = cohort_projections(cur, f)
    empty = {"projected_return_rate": None, "projected_low": None, "projected_high": None}
    return [row | projections.get(row["cohort"], empty) for row in returns.returns_by_cohort(cur, f)]


def beside(kpis: dict[str, dict[str, Any]], now: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The projection's interval on its own KPI, and the projection beside the cohort rate by orders
    while the period's cohort is still open (the card says "projected final: X % (Y–Z %)")."""
    key = "returns.projected_return_rate"
    projected = {"value": now[key], "low": now[f"{key}_low"], "high": now[f"{key}_high"]}
    found = kpis | {key: kpis[key] | {"low": projected["low"], "high": projected["high"]}}
    if now["returns.cohort_open_share"]:
        rates = "returns.return_rate_by_orders"
        found[rates] = found[rates] | {"projected": projected}
    return found
