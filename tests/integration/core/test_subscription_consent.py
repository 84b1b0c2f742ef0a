"""Double opt-in: anyone may ask for a parcel's updates, only the address itself confirms, and until
it does the one message it gets is the confirmation request; unsubscribing again records nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.errors import NotFound, ValidationFailed
from core.models import Order, OutboxMessage, Subscription
from core.services import subscriptions
from core.shop import Shop
from tests import factories
from tests.integration.core import support

WORDING = "I agree to receive delivery updates on the parcel(s) shown on this page"
SOURCE = "/track/1Z999AA10123456784/subscribe from 203.0.113.9"


def ask(shop: Shop, order: Order, channel: str, address: str, **extra: object) -> Subscription:
    fields: dict[str, object] = {"scope": "all", "consent_text": WORDING, "consent_source": SOURCE} | extra
    return subscriptions.subscribe(shop, order.id, channel=channel, address=address, **fields)  # type: ignore[arg-type]


def stored(shop: Shop, subscription_id: int) -> Subscription:
    with shop.db.read() as session:
        return session.get_one(Subscription, subscription_id)


def rows(shop: Shop, order_id: int) -> list[tuple[str, str, str, str]]:
    """(template, channel, recipient, level) of every outbox row of the order."""
    with shop.db.read() as session:
        found = session.scalars(
            select(OutboxMessage).where(OutboxMessage.order_id == order_id).order_by(OutboxMessage.id)
        )
        return [(r.template, r.channel, r.recipient, r.level) for r in found]


def to(address: str, shop: Shop, order_id: int) -> list[tuple[str, str]]:
    return [(template, level) for template, _, recipient, level in rows(shop, order_id) if recipient == address]


def age(shop: Shop, subscription_id: int, days: int) -> None:
    """As if the request had been made ``days`` ago."""
    with shop.db.write() as session:
        sub = session.get_one(Subscription, subscription_id)
        sub.consent_at = sub.consent_at - timedelta(days=days)


def test_a_request_records_the_consent_and_sends_only_the_confirmation_request(
    shop: Shop, shipped_order: Order
) -> None:
    sub = ask(
        shop, shipped_order, "email", "Fan@Example.com", shipment_id=support.shipment_id_of(shop, shipped_order.id)
    )
    saved = stored(shop, sub.id)
    assert (saved.address, saved.consent_text, saved.consent_source) == ("fan@example.com", WORDING, SOURCE)
    assert saved.consent_at is not None
    assert (saved.confirmed_at, saved.confirmed_via, saved.confirmed_source) == (None, None, None)
    assert to("fan@example.com", shop, shipped_order.id) == [("subscription_confirm", "parcel")]

    factories.deliver(shop, factories.TRACKING)  # news before confirmation: not for them
    assert to("fan@example.com", shop, shipped_order.id) == [("subscription_confirm", "parcel")]
    [created] = support.events(shop, shipped_order.id, type="subscription.created")
    assert created.visibility == "internal"
    assert created.payload["subscription_id"] == sub.id


def test_the_link_confirms_and_keeps_how_when_and_where(shop: Shop, confirmed_order: Order) -> None:
    sub = ask(shop, confirmed_order, "email", "fan@example.com")
    subscriptions.confirm_by_link(shop, sub.id, source="confirmation link from 198.51.100.7")
    subscriptions.confirm_by_link(shop, sub.id, source="again")  # a second click changes nothing
    saved = stored(shop, sub.id)
    assert saved.confirmed_at is not None
    assert saved.confirmed_at >= saved.consent_at
    assert (saved.confirmed_via, saved.confirmed_source) == ("email", "confirmation link from 198.51.100.7")
    assert [e.payload["via"] for e in support.events(shop, confirmed_order.id, type="subscription.confirmed")] == [
        "email"
    ]

    factories.ship_all(shop, confirmed_order.id)
    assert to("fan@example.com", shop, confirmed_order.id) == [
        ("subscription_confirm", "parcel"),
        ("shipped", "parcel"),
    ]


def test_sms_yes_confirms_the_newest_request_and_a_code_its_own(shop: Shop, confirmed_order: Order) -> None:
    other = factories.place(shop, email="grace@example.com")
    first = ask(shop, confirmed_order, "sms", "+14155552671")
    second = ask(shop, other, "sms", "+14155552671")
    phone = "+14155552671"

    assert subscriptions.confirm_by_reply(shop, "+14155550000", code=None, source="x") is None  # another number
    assert subscriptions.confirm_by_reply(shop, phone, code="000000", source="x") is None  # no such code
    done = subscriptions.confirm_by_reply(shop, phone, code=None, source="SMS reply 'YES' from +14155552671")
    assert done is not None
    assert done.id == second.id
    by_code = subscriptions.confirm_by_reply(shop, phone, code=stored(shop, first.id).confirm_code, source="code")
    assert by_code is not None
    assert by_code.id == first.id
    assert (stored(shop, first.id).confirmed_via, stored(shop, first.id).confirmed_source) == ("sms", "code")
    assert stored(shop, first.id).confirm_code is None  # spent
    assert subscriptions.confirm_by_reply(shop, phone, code=None, source="x") is None  # nothing left open


def test_an_unconfirmed_or_withdrawn_or_late_request_is_never_confirmed(shop: Shop, shipped_order: Order) -> None:
    late = ask(shop, shipped_order, "email", "late@example.com")
    withdrawn = ask(shop, shipped_order, "email", "gone@example.com")
    texted = ask(shop, shipped_order, "sms", "+14155552671")
    age(shop, late.id, 8)
    age(shop, texted.id, 8)
    subscriptions.unsubscribe(shop, channel="email", address="gone@example.com", order_id=shipped_order.id)

    with pytest.raises(ValidationFailed, match="expired"):
        subscriptions.confirm_by_link(shop, late.id, source="x")
    with pytest.raises(ValidationFailed, match="withdrawn"):
        subscriptions.confirm_by_link(shop, withdrawn.id, source="x")
    with pytest.raises(NotFound):
        subscriptions.confirm_by_link(shop, 99999, source="x")
    assert subscriptions.confirm_by_reply(shop, "+14155552671", code=None, source="x") is None
    factories.deliver(shop, factories.TRACKING)
    for address in ("late@example.com", "gone@example.com", "+14155552671"):
        assert to(address, shop, shipped_order.id) == [("subscription_confirm", "parcel")], address


def test_asking_again_soon_or_too_often_sends_nothing_new(shop: Shop, catalog: dict[str, int]) -> None:
    orders = [factories.place(shop, email=f"buyer{n}@example.com") for n in range(5)]
    for order in orders:
        ask(shop, order, "email", "victim@example.com")
        ask(shop, order, "email", "victim@example.com")  # at once again
    asked = [r for order in orders for r in to("victim@example.com", shop, order.id)]
    assert len(asked) == 3  # ASKS_PER_ADDRESS_PER_DAY, however many orders or repeats

    sub = ask(shop, orders[0], "email", "victim@example.com")
    subscriptions.confirm_by_link(shop, sub.id, source="x")
    again = ask(shop, orders[0], "email", "victim@example.com", scope="delivery")
    assert (again.id, stored(shop, sub.id).scope) == (sub.id, "all")  # confirmed: asking changes nothing
    assert stored(shop, sub.id).confirmed_at is not None


def test_a_parcel_subscription_hears_of_its_parcel_only(shop: Shop, catalog: dict[str, int]) -> None:
    from core.domain.commands import LineInput

    order = factories.place(shop, lines=[LineInput("TEE-M", 1), LineInput("TEE-L", 1)])
    lines = support.line_ids(shop, order.id)
    first = support.ship_lines(shop, order.id, {lines["TEE-M"]: 1}, "1ZPARCEL0000001")
    factories.subscribe_confirmed(shop, order.id, "email", "porch@example.com", shipment_id=first)
    factories.subscribe_confirmed(shop, order.id, "email", "everything@example.com")  # from the order page
    support.ship_lines(shop, order.id, {lines["TEE-L"]: 1}, "1ZPARCEL0000002")

    assert to("porch@example.com", shop, order.id) == [("subscription_confirm", "parcel")]
    assert to("everything@example.com", shop, order.id) == [("subscription_confirm", "parcel"), ("shipped", "parcel")]
    with pytest.raises(NotFound):
        ask(shop, factories.place(shop, email="x@example.com"), "email", "a@example.com", shipment_id=first)


def test_five_unsubscribes_record_one_ended_event(shop: Shop, confirmed_order: Order) -> None:
    factories.subscribe_confirmed(shop, confirmed_order.id, "email", "fan@example.com")
    for address in ("fan@example.com", "ada@example.com"):  # a subscriber, then the order's own email
        for _ in range(5):
            subscriptions.unsubscribe(shop, channel="email", address=address, order_id=confirmed_order.id)
    ended = support.events(shop, confirmed_order.id, type="subscription.ended")
    assert [e.payload["address"] for e in ended] == ["fan@example.com", "ada@example.com"]


def test_five_unsubscribes_at_once_record_one_ended_event(shop: Shop, confirmed_order: Order) -> None:
    from concurrent.futures import ThreadPoolExecutor

    factories.subscribe_confirmed(shop, confirmed_order.id, "email", "fan@example.com")

    def stop(_: int) -> int:
        return subscriptions.unsubscribe(shop, channel="email", address="fan@example.com", order_id=confirmed_order.id)

    with ThreadPoolExecutor(5) as pool:
        assert sorted(pool.map(stop, range(5))) == [0, 0, 0, 0, 1]
    assert len(support.events(shop, confirmed_order.id, type="subscription.ended")) == 1
