"""Dead notifications in the hub: listed with their error, retried one by one or all at once."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from core.models import OutboxMessage
from core.shop import Shop
from notifications import store
from tests import factories
from tests.integration.staff.conftest import csrf_token


def _dead_message(shop: Shop) -> int:
    factories.place(shop, phone=None, sms_consent=False)
    claimed = store.claim(shop.db, 10, 60)
    assert claimed, "the order confirmation should be waiting in the outbox"
    outcome = store.failed(claimed[0], "550 5.1.1 mailbox unavailable", permanent=True, policy=store.RetryPolicy())
    store.record(shop.db, [outcome])
    return claimed[0].id


def test_dead_messages_are_listed_with_the_error_and_can_be_retried(
    staff_client: FlaskClient, app_shop: Shop, catalog: dict[str, int]
) -> None:
    message_id = _dead_message(app_shop)

    page = staff_client.get("/staff/notifications/dead").get_data(as_text=True)
    assert "550 5.1.1 mailbox unavailable" in page
    assert "order_confirmed" in page

    token = csrf_token(staff_client, "/staff/notifications/dead")
    response = staff_client.post(
        "/staff/notifications/dead/retry",
        data={"csrf_token": token, "id": str(message_id)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "1 message queued again." in response.get_data(as_text=True)
    with app_shop.db.read() as session:
        assert session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message_id)) == "pending"


def test_retry_without_a_choice_changes_nothing(
    staff_client: FlaskClient, app_shop: Shop, catalog: dict[str, int]
) -> None:
    message_id = _dead_message(app_shop)
    token = csrf_token(staff_client, "/staff/notifications/dead")
    response = staff_client.post("/staff/notifications/dead/retry", data={"csrf_token": token})
    assert response.status_code == 303
    with app_shop.db.read() as session:
        assert session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message_id)) == "dead"
