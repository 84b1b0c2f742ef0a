"""Demo customers: a growing pool where most orders come from people who bought before."""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.seed.reference import CITIES, EMAIL_DOMAINS, FIRST_NAMES, INTERNATIONAL, LAST_NAMES, STREETS

REPEAT_SHARE = 0.70  # share of orders placed by someone who ordered before
PHONE_SHARE = 0.65
SMS_CONSENT_SHARE = 0.45  # of those with a phone
PO_BOX_SHARE = 0.015
INTERNATIONAL_SHARE = 0.05


@dataclass(slots=True)
class CustomerInfo:
    id: int
    email: str
    name: str
    phone: str | None
    sms_consent: bool
    address: tuple[str, str | None, str, str | None, str, str]  # line1, line2, city, region, postal, country
    created: int  # epoch seconds of the first order

    @property
    def international(self) -> bool:
        return self.address[5] != "US"

    @property
    def po_box(self) -> bool:
        return self.address[0].startswith("PO Box")

    def row(self, stamp: str) -> tuple[object, ...]:
        return (self.id, self.email, self.name, self.phone, stamp)

    def address_rows(self, first_id: int, order_id: int) -> list[tuple[object, ...]]:
        line1, line2, city, region, postal, country = self.address
        return [
            (first_id + offset, order_id, kind, self.name, line1, line2, city, region, postal, country)
            for offset, kind in enumerate(("shipping", "billing"))
        ]


def _email(first: str, last: str, customer_id: int, rng: random.Random) -> str:
    local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
    return f"{local}{customer_id}@{rng.choice(EMAIL_DOMAINS)}"


def _address(rng: random.Random) -> tuple[tuple[str, str | None, str, str | None, str, str], str]:
    city = rng.choice(INTERNATIONAL) if rng.random() < INTERNATIONAL_SHARE else rng.choice(CITIES)
    name, region, postal, country, dial = city
    if rng.random() < PO_BOX_SHARE:
        line1, line2 = f"PO Box {rng.randrange(10, 9999)}", None
    else:
        line1 = f"{rng.randrange(1, 2400)} {rng.choice(STREETS)}"
        line2 = f"Apt {rng.randrange(1, 40)}{rng.choice('ABCD')}" if rng.random() < 0.25 else None
    return (line1, line2, name, region or None, postal, country), dial


class People:
    """Hands out the customer of each new order, creating first-time customers as needed."""

    def __init__(self, first_id: int = 1) -> None:
        self.next_id = first_id
        self._orders_by: list[CustomerInfo] = []  # one entry per order: repeat picks favour frequent buyers

    def new_customer(self, rng: random.Random, t: int, **fixed: object) -> CustomerInfo:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        address, dial = _address(rng)
        phone = f"{dial}5550{rng.randrange(100, 200)}" if rng.random() < PHONE_SHARE else None
        values: dict[str, object] = {
            "id": self.next_id,
            "email": _email(first, last, self.next_id, rng),
            "name": f"{first} {last}",
            "phone": phone,
            "sms_consent": phone is not None and rng.random() < SMS_CONSENT_SHARE,
            "address": address,
            "created": t,
        }
        values.update(fixed)
        self.next_id += 1
        return CustomerInfo(**values)  # type: ignore[arg-type]

    def customer_for(self, rng: random.Random, t: int) -> tuple[CustomerInfo, bool]:
        """(customer, is_new): 70% of orders go to someone who already ordered."""
        if self._orders_by and rng.random() < REPEAT_SHARE:
            found = rng.choice(self._orders_by)
            self._orders_by.append(found)
            return found, False
        made = self.new_customer(rng, t)
        self._orders_by.append(made)
        return made, True
