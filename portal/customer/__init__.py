"""The customer portal: tracking, order lookup, subscriptions and self-service returns.

Every page renders whole for a plain request and as its block for an htmx request;
every htmx action is also a plain form, so the portal works with JavaScript off.
"""

from __future__ import annotations

from portal.customer import orders, returns, stored, tracking
from portal.customer.blueprint import bp

__all__ = ["bp", "orders", "returns", "stored", "tracking"]
