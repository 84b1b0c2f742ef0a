"""An order full of generated personal data, and the check of a message for any of it.

``Pii`` holds every field of an order a stranger must never learn from a parcel-level message:
the customer's name, email and phone, the order number, item names, variants and SKUs, prices,
address parts and the card's last digits. ``leaked`` names the fields a rendered message shows, in
any form it could take there (as typed, HTML-escaped, or mapped to the GSM alphabet of an SMS).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

from hypothesis import strategies as st

from core.clock import utcnow
from core.domain.commands import AddressInput, LineInput, ReturnLineInput
from core.models import Order, Product, Variant
from core.money import money_text
from core.services import fulfilment, return_resolution, returns, tracking
from core.shop import Shop
from notifications import gsm
from notifications.rendering import Rendered
from tests import factories

# Letters no template, date or shop text contains: a generated value holding one cannot appear by chance.
MARKS = "ÆØÅæøåÞþðŁłŒœß"
URL = re.compile(r"""(?:https?://|mailto:)[^\s"'<>]+""")
# Inline CSS (the layout's colours, #374151): digits in it are not a card's, whatever a generated card holds.
STYLE = re.compile(r'style="[^"]*"')
_SERIAL = count(1)

distinct = st.text(st.sampled_from(sorted(set("abcdefghijkLMNOPQ &'" + MARKS))), min_size=4, max_size=16).filter(
    lambda s: any(c in MARKS for c in s) and s == s.strip() and "  " not in s
)
digits = st.from_regex(r"[0-9]{5}", fullmatch=True)


@dataclass(frozen=True)
class Pii:
    first_name: str
    last_name: str
    street: str
    city: str
    postal_code: str
    card_last4: str
    item_a: str
    item_b: str
    variant_a: str
    variant_b: str
    price_a: int
    price_b: int
    local: str  # the email's local part
    phone_tail: str

    def fields(self, order: Order, serial: int) -> dict[str, str]:
        """Every personal field of ``order`` (made by ``build``), by name."""
        return {
            "customer name": f"{self.first_name} {self.last_name}",
            "first name": self.first_name,
            "last name": self.last_name,
            "email": order.email,
            "phone": order.phone or "",
            "phone digits": (order.phone or "")[-10:],
            "order number": order.number,
            "item name A": self.item_a,
            "item name B": self.item_b,
            "variant A": self.variant_a,
            "variant B": self.variant_b,
            "SKU A": f"SKU{serial}A",
            "SKU B": f"SKU{serial}B",
            "price A": money_text(self.price_a, "USD"),
            "price B": money_text(self.price_b, "USD"),
            "total": money_text(order.total_minor, "USD"),
            "street": self.street,
            "city": self.city,
            "postal code": self.postal_code,
            "card digits": self.card_last4,
        }


pii = st.builds(
    Pii,
    first_name=distinct.filter(lambda s: " " not in s),
    last_name=distinct.filter(lambda s: " " not in s),
    street=distinct,
    city=distinct,
    postal_code=digits,
    card_last4=st.from_regex(r"[0-9]{4}", fullmatch=True),
    item_a=distinct,
    item_b=distinct,
    variant_a=distinct,
    variant_b=distinct,
    price_a=st.integers(1001, 99_999),
    price_b=st.integers(1001, 99_999),
    local=st.from_regex(r"[a-z]{3,10}", fullmatch=True),
    phone_tail=st.from_regex(r"01[0-9]{2}", fullmatch=True),
)


def _catalog(shop: Shop, given: Pii, serial: int) -> None:
    with shop.db.write() as session:
        first, second = (
            Product(handle=f"a-{serial}", name=given.item_a),
            Product(handle=f"b-{serial}", name=given.item_b),
        )
        session.add_all([first, second])
        session.flush()
        made = [
            (first, f"SKU{serial}A", given.variant_a, given.price_a),
            (first, f"SKU{serial}A2", f"{given.variant_a} 2", given.price_a),
            (second, f"SKU{serial}B", given.variant_b, given.price_b),
        ]
        session.add_all(
            Variant(product_id=p.id, sku=sku, title=t, price_minor=price, on_hand=9) for p, sku, t, price in made
        )


def build(shop: Shop, given: Pii) -> tuple[Order, dict[str, str], str]:
    """An order with ``given``'s personal data, shipped, delivered, one item exchanged and one refunded;
    with its personal fields and its parcel's tracking number."""
    serial = next(_SERIAL)
    _catalog(shop, given, serial)
    name = f"{given.first_name} {given.last_name}"
    order = factories.place(
        shop,
        number=f"SL{70_000_000 + serial}",
        email=f"{given.local}.{serial}@mail{serial}.example.com",
        name=name,
        phone=f"+1202555{given.phone_tail}",
        card=f"411111111111{given.card_last4}",
        lines=[LineInput(f"SKU{serial}A", 1), LineInput(f"SKU{serial}B", 1)],
        shipping_address=AddressInput(name, given.street, given.city, given.postal_code, "US", region="IL"),
    )
    number = f"1ZPROP{serial:08d}"
    factories.ship_all(shop, order.id, number)
    tracking.record_scan(shop, tracking.CarrierScan(number, "delivered", utcnow(), given.city))
    _return(shop, order.id, serial)
    order = factories.reload(shop, order.id)
    return order, given.fields(order, serial), number


def _return(shop: Shop, order_id: int, serial: int) -> None:
    staff = factories.MANAGER
    lines = {line.sku: line for line in factories.reload(shop, order_id).lines}
    with shop.db.read() as session:
        swap = session.query(Variant.id).filter(Variant.sku == f"SKU{serial}A2").scalar()
    items = [
        ReturnLineInput(lines[f"SKU{serial}A"].id, 1, "too_small", resolution="exchange", exchange_variant_id=swap),
        ReturnLineInput(lines[f"SKU{serial}B"].id, 1, "changed_mind"),
    ]
    ret = returns.request_return(shop, order_id, items, actor=factories.CUSTOMER, now=utcnow() - timedelta(seconds=1))
    return_resolution.receive_return(shop, ret.id, actor=staff)
    return_resolution.resolve_return(shop, ret.id, actor=staff, exchange_tracking=f"1ZSWAP{serial:08d}")
    with shop.db.read() as session:
        from core.models import Shipment

        exchange = (
            session.query(Shipment.id).filter(Shipment.kind == "exchange", Shipment.order_id == order_id).scalar()
        )
    fulfilment.ship_shipment(shop, exchange, actor=staff)


def _forms(value: str) -> set[str]:
    """How ``value`` can look in a message: as typed, HTML-escaped, or in the GSM alphabet (SMS)."""
    found = {value, html.escape(value), html.escape(value, quote=False), gsm.to_gsm7(value)}
    return {f.lower() for f in found if f.strip()}


def urls(message: Rendered) -> set[str]:
    parts = (message.subject or "", message.text, message.html or "")
    return {html.unescape(u).rstrip(".,)") for part in parts for u in URL.findall(part)}


def leaked(message: Rendered, fields: dict[str, str], public: list[str]) -> list[str]:
    """The names of the fields the message shows; ``public`` (tracking numbers, the code) is taken
    out first, and links are checked apart (a link is judged by where it goes, not by its token)."""
    body = "\n".join((message.subject or "", message.text, message.html or ""))
    shown = STYLE.sub(" ", URL.sub(" ", body)).lower()
    for value in public:
        shown = shown.replace(value.lower(), " ")
    found = [name for name, value in fields.items() if value and any(f in shown for f in _forms(value))]
    return found + (["an order link"] if "/orders/" in body else [])
