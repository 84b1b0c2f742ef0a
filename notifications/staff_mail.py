"""Messages to staff (``core.outbox.staff``), rendered when they are sent from what their event recorded.

Today one: the daily low-stock digest (``stock_digest``), plain text, in the shop's name, with the link
to the low-stock list. It is not a customer's message: no order, no unsubscribe link, no translation
(staff pages are in English).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, StrictUndefined

from notifications.adapters import Outgoing
from notifications.rendering import Rendered

StaffPage = Callable[[str], str]  # a staff page's path -> its absolute address
LOW_STOCK_PATH = "/staff/stock?low=1"
DIGEST = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True).from_string(
    """{{ rows|length }} SKU{{ "s" if rows|length != 1 else "" }} at or below the reorder point on {{ day }}:

{% for r in rows %}- {{ r.sku }}  {{ r.product }} {{ r.title }}: {{ r.available }} available ({{ r.on_hand }} on hand, {{ r.reserved }} reserved), reorder point {{ r.reorder_point }}
{% endfor %}
Receive or adjust stock: {{ url }}
"""
)


def stock_digest(payload: dict[str, Any], shop_name: str, staff_page: StaffPage) -> Rendered:
    """The digest a ``stock.digest_sent`` event recorded (its ``lines``, its ``day``)."""
    rows, day, url = payload["lines"], payload["day"], staff_page(LOW_STOCK_PATH)
    subject = f"{shop_name}: {len(rows)} SKU{'s' if len(rows) != 1 else ''} to reorder ({day})"
    return Rendered("email", subject, DIGEST.render(rows=rows, day=day, url=url), None)


RENDERERS = {"stock_digest": stock_digest}  # message code (``core.outbox.staff.STAFF_MESSAGES``) -> rendering


def outgoing(row: Any, payload: dict[str, Any], *, shop_name: str, staff_page: StaffPage, domain: str) -> Outgoing:
    """One member of staff's copy; its Message-ID is the outbox row's, the same on every attempt."""
    rendered = RENDERERS[row.template](payload, shop_name, staff_page)
    headers = {"X-Shiplog-Notification": row.template}
    return Outgoing(row.id, "email", row.recipient, rendered, headers, f"<outbox-{row.id}@{domain}>")
