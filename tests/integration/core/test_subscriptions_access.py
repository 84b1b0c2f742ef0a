"""Subscriptions with consent, SMS opt-outs, staff accounts and API keys."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from core.errors import NotFound, ValidationFailed
from core.models import ApiKey, Order, StaffUser, Subscription
from core.services import access, subscriptions
from core.shop import Shop
from tests.integration.core import support

CONSENT = {"consent_text": "Send me delivery updates", "consent_source": "tracking page 127.0.0.1"}


def _subscriptions(shop: Shop) -> list[Subscription]:
    with shop.db.read() as session:
        return list(session.scalars(select(Subscription).order_by(Subscription.id)))


def test_subscribe_records_consent_and_asks_for_confirmation(shop: Shop, confirmed_order: Order) -> None:
    sub = subscriptions.subscribe(
        shop, confirmed_order.id, channel="sms", address="(415) 555-2671", scope="delivery", **CONSENT
    )
    assert (sub.channel, sub.address, sub.scope) == ("sms", "+14155552671", "delivery")
    again = subscriptions.subscribe(
        shop, confirmed_order.id, channel="sms", address="+1 415 555 2671", scope="all", **CONSENT
    )
    assert again.id == sub.id
    (stored,) = _subscriptions(shop)
    assert (stored.scope, stored.consent_text, stored.consent_source) == ("delivery", *CONSENT.values())
    assert stored.confirmed_at is None
    assert stored.confirm_code is not None
    created = support.events(shop, confirmed_order.id, type="subscription.created")
    assert [e.payload["scope"] for e in created] == ["delivery"], "asked again at once: nothing new"
    assert all(e.visibility == "internal" for e in created)


def test_bad_subscriptions_are_refused(shop: Shop, confirmed_order: Order) -> None:
    before = support.row_counts(shop)
    cases = [
        ({"channel": "sms", "address": "12", "scope": "all"}, "phone"),
        ({"channel": "email", "address": "nope", "scope": "all"}, "email"),
        ({"channel": "pigeon", "address": "x", "scope": "all"}, "channel"),
        ({"channel": "email", "address": "a@example.com", "scope": "weekly"}, "scope"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            subscriptions.subscribe(shop, confirmed_order.id, **fields, **CONSENT)  # type: ignore[arg-type]
        assert refused.value.field == field
    with pytest.raises(NotFound):
        subscriptions.subscribe(shop, 99999, channel="email", address="a@example.com", scope="all", **CONSENT)
    assert support.row_counts(shop) == before


def test_unsubscribe_one_order_or_all(shop: Shop, confirmed_order: Order, held_order: Order) -> None:
    for order in (confirmed_order, held_order):
        subscriptions.subscribe(shop, order.id, channel="email", address="Fan@Example.com", scope="all", **CONSENT)
    ended = subscriptions.unsubscribe(shop, channel="email", address="FAN@example.com", order_id=confirmed_order.id)
    assert ended == 1
    assert support.types(shop, confirmed_order.id)[-1] == "subscription.ended"
    assert subscriptions.unsubscribe(shop, channel="email", address="fan@example.com", order_id=None) == 1
    assert all(s.unsubscribed_at is not None for s in _subscriptions(shop))
    assert subscriptions.unsubscribe(shop, channel="email", address="not an email", order_id=None) == 0


def test_an_unsubscribed_address_gets_no_more_notifications(shop: Shop, confirmed_order: Order) -> None:
    subscriptions.subscribe(
        shop, confirmed_order.id, channel="email", address="fan@example.com", scope="all", **CONSENT
    )
    subscriptions.unsubscribe(shop, channel="email", address="fan@example.com", order_id=confirmed_order.id)
    from core.services import ordering

    ordering.add_note(shop, confirmed_order.id, text="x", for_customer=True, actor=support.STAFF)
    from tests import factories

    factories.ship_all(shop, confirmed_order.id, "1ZSUB000001")
    recipients = [t for t in support.outbox_templates(shop, confirmed_order.id) if t[0] == "shipped"]
    assert recipients == [("shipped", "email"), ("shipped", "sms")], "the order's own contacts only"


def test_sms_opt_out_and_back_in(shop: Shop) -> None:
    assert not subscriptions.is_opted_out(shop, "+15555550123")
    subscriptions.set_sms_opt_out(shop, "+15555550123", opted_out=True)
    assert subscriptions.is_opted_out(shop, "+15555550123")
    subscriptions.set_sms_opt_out(shop, "+15555550123", opted_out=False)
    assert not subscriptions.is_opted_out(shop, "+15555550123")


def test_an_opted_out_phone_gets_no_sms(shop: Shop, catalog: dict[str, int]) -> None:
    from tests import factories

    subscriptions.set_sms_opt_out(shop, "+15555550123", opted_out=True)
    order = factories.place(shop)
    assert support.outbox_templates(shop, order.id) == [("order_confirmed", "email")]


def test_staff_password_is_hashed_and_authenticates(shop: Shop) -> None:
    user = access.create_staff_user(shop, email=" Grace@Example.com ", password="correct horse", role="manager")
    with shop.db.read() as session:
        stored = session.get_one(StaffUser, user.id)
    assert stored.email == "grace@example.com"
    assert "correct horse" not in stored.password_hash
    assert stored.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert access.authenticate(shop, "GRACE@example.com", "correct horse").id == user.id  # type: ignore[union-attr]
    assert access.authenticate(shop, "grace@example.com", "wrong horse!") is None
    assert access.authenticate(shop, "nobody@example.com", "correct horse") is None


def test_staff_accounts_are_validated(shop: Shop) -> None:
    access.create_staff_user(shop, email="grace@example.com", password="correct horse", role="staff")
    with pytest.raises(ValidationFailed, match="already has an account"):
        access.create_staff_user(shop, email="GRACE@example.com", password="another horse", role="staff")
    with pytest.raises(ValidationFailed, match="at least 10 characters"):
        access.create_staff_user(shop, email="ada@example.com", password="short", role="staff")
    with pytest.raises(ValidationFailed, match="Role must be one of staff, manager"):
        access.create_staff_user(shop, email="ada@example.com", password="long enough!", role="owner")


def test_an_inactive_user_cannot_sign_in(shop: Shop) -> None:
    user = access.create_staff_user(shop, email="gone@example.com", password="correct horse", role="staff")
    with shop.db.write() as session:
        session.get_one(StaffUser, user.id).active = False
    assert access.authenticate(shop, "gone@example.com", "correct horse") is None


def test_api_key_is_shown_once_stored_hashed_and_verifies(shop: Shop) -> None:
    row, key = access.create_api_key(shop, name="warehouse", scope="write")
    with shop.db.read() as session:
        stored = session.get_one(ApiKey, row.id)
    assert key.startswith("slk_")
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in (stored.key_hash, stored.prefix, stored.name)
    assert stored.prefix == key[:12]
    assert access.verify_api_key(shop, key).id == row.id  # type: ignore[union-attr]
    assert access.verify_api_key(shop, key + "x") is None
    with pytest.raises(ValidationFailed, match="Scope must be one of read, write"):
        access.create_api_key(shop, name="x", scope="admin")
