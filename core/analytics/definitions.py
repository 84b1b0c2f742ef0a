"""The KPI catalogue: one entry per number, with its label, unit, which way is good and its definition.

Keys are ``<section>.<name>``; the JSON output, the CLI, the dashboard tooltips and docs/kpis.md all
use these same keys. Units: ``count``, ``minor`` (money in minor units), ``hours``, ``share`` (0-1).
"""

from __future__ import annotations

from core.analytics import delivery_more, fulfilment_more, perfect_order, returns_more, sales_more
from core.analytics.forecast import FORECAST_KPIS
from core.analytics.kpi import Kpi
from core.analytics.sales_kpis import SALES_KPIS
from core.analytics.whatif import WHATIF_SERIES

_K = Kpi
KPIS: tuple[Kpi, ...] = (
    *SALES_KPIS,
    _K(
        "fulfilment.placed_to_shipped_median_hours",
        "Placed → shipped (median)",
        "hours",
        False,
        "Median hours from placing to the first parcel leaving, over shipped orders placed in the period.",
    ),
    _K(
        "fulfilment.placed_to_shipped_p90_hours",
        "Placed → shipped (p90)",
        "hours",
        False,
        "90th percentile of the same hours (linear interpolation).",
    ),
    _K(
        "fulfilment.sla_share",
        "Shipped within SLA",
        "share",
        True,
        "Orders shipped within the SLA / orders shipped or already past the SLA (business hours by default).",
    ),
    _K(
        "fulfilment.orders_waiting",
        "Orders waiting",
        "count",
        False,
        "Orders placed, neither shipped nor cancelled at the end of the period (or now).",
    ),
    _K(
        "fulfilment.waiting_median_hours",
        "Waiting time (median)",
        "hours",
        False,
        "Median hours those orders have been waiting.",
    ),
    _K(
        "fulfilment.waiting_oldest_hours",
        "Oldest waiting",
        "hours",
        False,
        "Hours the oldest waiting order has waited.",
    ),
    _K(
        "fulfilment.orders_on_hold",
        "On hold",
        "count",
        False,
        "Orders on hold for review at the end of the period (or now), from the log of status moves.",
    ),
    _K(
        "fulfilment.cancellation_rate",
        "Cancellation rate",
        "share",
        False,
        "Cancelled orders / all orders placed in the period.",
    ),
    _K(
        "delivery.transit_median_hours",
        "Transit time (median)",
        "hours",
        False,
        "Median hours from a parcel leaving to its delivery, over outbound parcels shipped in the period.",
    ),
    _K("delivery.transit_p90_hours", "Transit time (p90)", "hours", False, "90th percentile of the same hours."),
    _K(
        "delivery.order_to_door_median_hours",
        "Order to door (median)",
        "hours",
        False,
        "Median hours from placing to full delivery, over delivered orders placed in the period.",
    ),
    _K("delivery.order_to_door_p90_hours", "Order to door (p90)", "hours", False, "90th percentile of the same hours."),
    _K(
        "delivery.on_time_rate",
        "On time",
        "share",
        True,
        "Parcels delivered on or before the originally promised day (the shop's days)"
        " / parcels delivered or past that day.",
    ),
    _K(
        "delivery.exception_rate",
        "Exception rate",
        "share",
        False,
        "Parcels shipped in the period with at least one carrier exception / parcels shipped in the period.",
    ),
    _K(
        "delivery.in_transit",
        "In transit",
        "count",
        None,
        "Outbound parcels shipped but not delivered at the end of the period; lost and returned ones left out.",
    ),
    _K(
        "returns.return_rate_by_orders",
        "Return rate (orders)",
        "share",
        False,
        "Delivered orders with a return / delivered orders, for orders placed in the period.",
    ),
    _K(
        "returns.return_rate_by_units",
        "Return rate (units)",
        "share",
        False,
        "Units on returns / units delivered, for orders placed in the period.",
    ),
    _K(
        "returns.return_rate_by_value",
        "Return rate (value)",
        "share",
        False,
        "Paid value (after line and order discounts) of units on returns / of units delivered,"
        " for orders placed in the period.",
    ),
    _K(
        "returns.return_rate_by_period",
        "Return rate (by period)",
        "share",
        False,
        "Orders with a return asked in the period / orders delivered in the period (final once the period ends).",
    ),
    _K(
        "returns.exchange_share",
        "Exchange share",
        "share",
        True,
        "Units asked back as exchanges / all units asked back, for returns requested in the period.",
    ),
    _K(
        "returns.exchange_revenue_kept_minor",
        "Revenue kept by exchanges",
        "minor",
        True,
        "Paid value of the units exchanged instead of refunded, for returns requested in the period.",
    ),
    _K("returns.refunded_minor", "Refunded for returns", "minor", False, "Refunds for returns made in the period."),
    _K(
        "returns.request_to_refund_median_hours",
        "Request → refund (median)",
        "hours",
        False,
        "Median hours from the return request to its refund, over refunds made in the period.",
    ),
    _K(
        "returns.request_to_refund_p90_hours",
        "Request → refund (p90)",
        "hours",
        False,
        "90th percentile of the same hours.",
    ),
    _K(
        "returns.open_returns",
        "Open returns",
        "count",
        None,
        "Returns requested, approved, on their way back or received, not yet refunded or exchanged,"
        " at the end of the period (or now).",
    ),
)
KPIS += FORECAST_KPIS

KPIS += sales_more.KPIS + fulfilment_more.KPIS + delivery_more.KPIS  # each area's own catalogue
KPIS += returns_more.KPIS + perfect_order.KPIS

BY_KEY: dict[str, Kpi] = {k.key: k for k in KPIS}

# Rates over the period's order cohort that rise until every order's return window has closed: while
# any is open they are "incomplete" and never compared as good or bad news (bundle.compute).
COHORT_RATES: tuple[str, ...] = (
    "returns.return_rate_by_orders",
    "returns.return_rate_by_units",
    "returns.return_rate_by_value",
)

# Tables and chart series, each keyed like the KPIs and described in docs/kpis.md.
SERIES: dict[str, str] = {
    "sales.by_period": "Sales figures per day, week or month, each amount in the period it is booked in.",
    "fulfilment.placed_to_shipped_distribution": "Shipped orders per placed → shipped hours bucket.",
    "fulfilment.waiting_by_age": "Orders waiting at the end of the period, per age bucket.",
    "fulfilment.hold_queue": "Orders on hold at the end of the period (or now), per reason, with the oldest hold in hours.",
    "fulfilment.holds_by_reason": "Orders put on hold during the period, per reason.",
    "delivery.transit_by_carrier_service": "Parcels shipped, delivered, median and p90 transit hours per carrier and service.",
    "delivery.exceptions_by_carrier": "Parcels with each exception sub-reason over the carrier's parcels shipped in the period.",
    "returns.by_cohort": "Per period of order date: return rate by orders, the share still inside the return window, whether the rate is incomplete, and its projected final rate with a 95 % interval.",
    "returns.by_sku": "Per SKU: units delivered and returned, unit return rate and priority = rate × returned units.",
    "returns.reason_mix": "Units asked back in the period, per reason.",
}
SERIES |= WHATIF_SERIES
SERIES |= sales_more.SERIES | fulfilment_more.SERIES | delivery_more.SERIES
SERIES |= returns_more.SERIES | perfect_order.SERIES

# The carrier filter is a parcel filter: these count only that carrier's parcels. Every other KPI and
# series is about orders, which have no carrier until labelled, and ignores it (docs/kpis.md, Filters).
CARRIER_FILTERED: frozenset[str] = frozenset(
    {
        "delivery.transit_median_hours",
        "delivery.transit_p90_hours",
        "delivery.on_time_rate",
        "delivery.exception_rate",
        "delivery.in_transit",
        "delivery.transit_by_carrier_service",
        "delivery.exceptions_by_carrier",
        "fulfilment.label_to_first_scan_median_hours",
        "fulfilment.label_to_first_scan_p90_hours",
        *(k.key for k in delivery_more.KPIS),
        *delivery_more.SERIES,
    }
)
_ORDER_FILTER_NOTES = {
    "channel": "Orders of that channel, in every KPI.",
    "sku": "Orders with a line of that product (their whole figures), in every KPI.",
}
CARRIER_NOTE = (
    "Only that carrier's parcels, in the parcel KPIs (transit time, on time, exceptions, in transit,"
    " first attempt, lost or damaged, ETA accuracy, label → first scan)."
    " Order KPIs (sales, fulfilment, cancellations, order to door, returns) ignore it:"
    " an order has no carrier until it is labelled."
)


def filters_applied(channel: str | None, carrier: str | None, sku: str | None) -> list[dict[str, object]]:
    """What each filter in use restricts, for the JSON and the page (``filters_applied``)."""
    found: list[dict[str, object]] = []
    for name, value in (("channel", channel), ("sku", sku)):
        if value:
            found.append(
                {
                    "filter": "product" if name == "sku" else name,
                    "value": value,
                    "applies_to": "all",
                    "note": _ORDER_FILTER_NOTES[name],
                }
            )
    if carrier:
        found.append(
            {"filter": "carrier", "value": carrier, "applies_to": sorted(CARRIER_FILTERED), "note": CARRIER_NOTE}
        )
    return found
