"""Links to staff pages from anywhere (the dashboard's drill-down, digests): one place knows their routes.

The staff order page is found by the order's number (``portal.staff.orders``: ``/staff/orders/<number>``),
never by its internal id; building the address with ``url_for`` keeps it right if the route moves.
"""

from __future__ import annotations

from flask import url_for


def order_link(number: str) -> str:
    """The staff order page of order ``number`` (needs an app or request context)."""
    return url_for("staff.order", number=number)
