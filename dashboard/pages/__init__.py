"""The dashboard's pages: which KPI sections and charts each shows. Paths are under /dashboard/."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    path: str  # relative to /dashboard/
    title: str
    sections: tuple[str, ...]  # KPI sections shown as cards
    charts: tuple[str, ...]  # bundle series shown as charts
    managers_only: bool = False
    summary: str = ""


PAGES: dict[str, Page] = {
    page.path: page
    for page in (
        Page(
            "",
            "Overview",
            ("sales", "fulfilment", "delivery", "returns"),
            ("sales.by_period",),
            summary="Every KPI of the period beside the previous period of the same length.",
        ),
        Page(
            "sales",
            "Sales",
            ("sales",),
            ("sales.by_period", "sales.by_product", "sales.by_channel"),
            managers_only=True,
            summary="Net sales the way Shopify counts them: orders on the day placed, returned goods on the day refunded.",
        ),
        Page(
            "fulfilment",
            "Fulfilment",
            ("fulfilment",),
            (
                "fulfilment.placed_to_shipped_distribution",
                "fulfilment.waiting_by_age",
                "fulfilment.hold_queue",
                "fulfilment.holds_by_reason",
                "fulfilment.cancellations_by_reason",
                "fulfilment.perfect_order_failures",
            ),
            summary="How fast orders leave: orders placed in the period, measured with everything known now.",
        ),
        Page(
            "delivery",
            "Delivery",
            ("delivery",),
            (
                "delivery.transit_by_carrier_service",
                "delivery.on_time_by_carrier_service",
                "delivery.exceptions_by_carrier",
            ),
            summary="How reliably parcels arrive: outbound parcels shipped in the period.",
        ),
        Page(
            "returns",
            "Returns",
            ("returns",),
            (
                "returns.by_cohort",
                "returns.by_sku",
                "returns.reason_mix",
                "returns.resolution_split",
                "returns.reasons_by_sku",
                "returns.frequent_returners",
                "returns.policy_whatif",
            ),
            summary="What comes back and why. Rates by orders, units and value are separate numbers.",
        ),
    )
}

CHART_TITLES: dict[str, str] = {
    "sales.by_period": "Sales per period: gross, discounts, returns, cancellations, net sales, other refunds, orders",
    "fulfilment.placed_to_shipped_distribution": "Placed → shipped (hours)",
    "fulfilment.waiting_by_age": "Orders waiting, by age",
    "fulfilment.hold_queue": "Hold and review queue now, by reason",
    "fulfilment.holds_by_reason": "Orders held in the period, by reason",
    "delivery.transit_by_carrier_service": "Transit time by carrier and service",
    "delivery.exceptions_by_carrier": "Exception rate by carrier and sub-reason",
    "returns.by_cohort": "Returns by order cohort",
    "returns.by_sku": "Returns by SKU (priority = unit return rate × units returned)",
    "returns.reason_mix": "Return reasons (units)",
    "returns.policy_whatif": "Policy back-test: the period's returns under other windows and fees (managers)",
    "sales.by_product": "Sales by product",
    "sales.by_channel": "Sales by channel",
    "fulfilment.cancellations_by_reason": "Orders cancelled, by reason",
    "delivery.on_time_by_carrier_service": "On time by carrier and service",
    "returns.resolution_split": "Refund, store credit and exchange, by value asked back",
    "returns.reasons_by_sku": "Return reasons per SKU (units)",
    "returns.frequent_returners": "Customers who return often",
    "fulfilment.perfect_order_failures": "Orders that were not perfect, and why",
}


def page_for(path: str) -> Page | None:
    """The page at ``/dashboard/<path>``, ignoring surrounding slashes."""
    return PAGES.get(path.strip("/"))
