"""The customer portal: tracking, order lookup, subscriptions and self-service returns."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("customer", __name__)


@bp.get("/")
def lookup() -> str:
    """Find an order by tracking number, or by order number plus email or phone."""
    return render_template("customer/lookup.html")
