"""The sales KPIs (Shopify's way: net sales = gross − discounts − returns − cancellations), each amount
booked on the day it happened so a past period never changes (docs/kpis.md, section Sales)."""

from __future__ import annotations

from core.analytics.kpi import Kpi

_K = Kpi
SALES_KPIS: tuple[Kpi, ...] = (
    _K(
        "sales.orders",
        "Orders",
        "count",
        True,
        "Orders placed in the period, cancelled ones included (their cancellation is its own line).",
        basis="orders placed in the period",
    ),
    _K(
        "sales.units",
        "Units",
        "count",
        True,
        "Units on those orders (sum of line quantities).",
        basis="orders placed in the period",
    ),
    _K(
        "sales.gross_minor",
        "Gross sales",
        "minor",
        True,
        "Sum of unit price × quantity before discounts.",
        basis="orders placed in the period",
    ),
    _K(
        "sales.discounts_minor",
        "Discounts",
        "minor",
        False,
        "Line and order discounts on those orders.",
        basis="orders placed in the period",
    ),
    _K(
        "sales.returns_minor",
        "Returns",
        "minor",
        False,
        "Paid value (after discounts) of the goods sent back for a refund, booked on the day the return was refunded.",
        basis="returns refunded in the period",
    ),
    _K(
        "sales.cancellations_minor",
        "Cancellations",
        "minor",
        False,
        "Gross sales − discounts of the orders cancelled in the period, booked on the cancel date.",
        basis="orders cancelled in the period",
    ),
    _K(
        "sales.net_minor",
        "Net sales",
        "minor",
        True,
        "Gross sales − discounts − returns − cancellations (other refunds are not subtracted).",
        basis="amounts booked in the period",
    ),
    _K(
        "sales.other_refunds_minor",
        "Other refunds",
        "minor",
        False,
        "Refunds not for returned goods (goodwill, lost parcels, shipping), booked on the refund date;"
        " not subtracted from net sales.",
        basis="refunds made in the period",
    ),
    _K(
        "sales.shipping_minor",
        "Shipping charged",
        "minor",
        True,
        "Shipping charged on the period's orders, less the shipping of orders cancelled in the period.",
        basis="orders placed or cancelled in the period",
    ),
    _K(
        "sales.aov_minor",
        "Average order value",
        "minor",
        True,
        "(Gross sales − discounts) / orders, rounded; cancelled orders included.",
        basis="orders placed in the period",
    ),
)
