"""KPI bases: what a number counts over, in a manager's words (``Kpi.basis``).

Shown beside the label in the cards, the charts, the CSV and the JSON, so two numbers counted over
different things (orders placed in the period, parcels shipped in it, a snapshot at its end) are never
read as the same kind of figure. Catalogues of every area pick from these, or say their own.
"""

from __future__ import annotations

PLACED = "orders placed in the period, cancelled ones left out"
ALL_PLACED = "all orders placed in the period"
REFUNDED = "refunds made in the period"
PLACED_AND_REFUNDED = "orders placed in the period; refunds made in the period"
SHIPPED_ORDERS = "shipped orders placed in the period"
SLA_DUE = "orders placed in the period, shipped or past the SLA"
SNAPSHOT = "at the end of the period (or now)"
DELIVERED_PARCELS = "parcels shipped in the period and delivered"
SHIPPED_PARCELS = "parcels shipped in the period"
DUE_PARCELS = "parcels shipped in the period, delivered or past their due day"
DELIVERED_ORDERS = "delivered orders placed in the period"
DELIVERED_IN_PERIOD = "orders delivered in the period"
RETURNS_ASKED = "returns requested in the period"
RETURN_REFUNDS = "refunds for returns made in the period"

# The same for each chart or table (``definitions.SERIES``): shown under the chart's title. A series
# of another area may add its own here; one without a basis shows none rather than a wrong one.
SERIES_BASES: dict[str, str] = {
    "sales.by_period": "orders placed in each period, cancelled ones left out; refunds made in it",
    "fulfilment.placed_to_shipped_distribution": SHIPPED_ORDERS,
    "fulfilment.waiting_by_age": "orders waiting at the end of the period (or now)",
    "fulfilment.hold_queue": "orders on hold at the end of the period (or now)",
    "fulfilment.holds_by_reason": "orders put on hold in the period",
    "delivery.transit_by_carrier_service": SHIPPED_PARCELS,
    "delivery.exceptions_by_carrier": SHIPPED_PARCELS,
    "returns.by_cohort": "delivered orders, per period of their order date",
    "returns.by_sku": "units delivered on orders placed in the period",
    "returns.reason_mix": "units asked back in the period",
    "returns.policy_whatif": RETURNS_ASKED,
    "sales.by_product": "orders placed in the period",
    "sales.by_channel": "orders placed in the period",
    "fulfilment.cancellations_by_reason": "orders placed in the period and cancelled",
    "delivery.on_time_by_carrier_service": DUE_PARCELS,
    "returns.resolution_split": "units asked back in the period",
    "returns.frequent_returners": "delivered orders placed in the period",
    "returns.reasons_by_sku": "units asked back in the period",
    "fulfilment.perfect_order_failures": "orders placed in the period whose outcome is known",
}
