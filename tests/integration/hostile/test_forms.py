"""Hostile text in the customer and staff forms, the staff search, the bulk-ship upload, and the
path and query of every page, on both backends: never a 5xx, and a form refuses a character the
rule refuses with a 4xx that names the field."""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from core.analytics.store import StoreWriter
from core.domain.commands import ReturnLineInput
from core.models import Order, Return
from core.services import returns
from core.shop import Shop
from tests import factories
from tests.integration.hostile.conftest import Sender
from tests.integration.hostile.strings import FUZZ, arrived, hostile, in_url, query, refused, segment, wire
from tests.integration.hostile.strings import form as encoded
from tests.integration.staff.conftest import csrf_token
from web.tokens import order_token

FORM = "application/x-www-form-urlencoded"


def _named(response: Any, field: str) -> bool:
    """Whether the page marks ``field`` as the one in error (the staff hub's ``data-field``, the
    customer pages' ``id="<field>-error"``)."""
    page = response.get_data(as_text=True)
    return f'data-field="{field}"' in page or f'id="{field}-error"' in page


@dataclass(frozen=True)
class Field:
    """A staff action's text field: the action, the rest of a valid form, the field's limit."""

    action: str
    name: str
    others: dict[str, str]
    limit: int = 300
    lines: bool = False


@pytest.fixture
def store(app_shop: Shop, catalog: dict[str, int]) -> tuple[Order, int, Return]:
    """A delivered order (its parcel's id) with a return waiting for approval."""
    order = factories.place(app_shop)
    shipment_id = factories.ship_all(app_shop, order.id)
    factories.deliver(app_shop, factories.TRACKING)
    item = ReturnLineInput(order.lines[0].id, 1, "damaged")  # damaged: waits for staff
    opened = returns.request_return(app_shop, order.id, [item], actor=factories.STAFF)
    return order, shipment_id, opened


def _fields(shipment_id: int, return_id: int, line_id: int) -> list[Field]:
    ship = {"carrier": "ups", "service": "Ground", "tracking_number": "1ZFUZZ0001"}
    scan = {"shipment_id": str(shipment_id), "status": "in_transit", "message": "Hub", "location": "Here"}
    back = {"return_id": str(return_id)}
    sure = {"confirm": "1"}  # destructive actions ask for it (issue 13, section 7)
    return [
        Field("hold", "detail", {"reason": "manual"}),
        Field("cancel", "reason", sure, 200),
        Field("cancel", "message", sure | {"reason": "asked"}, 500, lines=True),
        Field("refund", "reason", sure | {"amount": "1.00"}, 200),
        Field("refund", "message", sure | {"amount": "1.00", "reason": "goodwill"}, 500, lines=True),
        Field("refund", "amount", sure | {"reason": "goodwill"}, 20),
        Field("note", "text", {"visibility": "internal"}, 2000, lines=True),
        *(Field("create-shipment", name, ship, limit) for name, limit in (("carrier", 32), ("service", 48))),
        Field("create-shipment", "tracking_number", ship, 64),
        Field("carrier-event", "message", scan),
        Field("carrier-event", "location", scan, 120),
        Field("start-return", "note", {"reason": "other", f"rqty_{line_id}": "1"}, 2000),
        Field("start-return", "override_reason", {"reason": "damaged", f"rqty_{line_id}": "1"}),
        Field("reject-return", "reason", back | sure),
        *(Field("resolve-return", name, back, limit) for name, limit in (("carrier", 32), ("tracking_number", 64))),
    ]


@FUZZ
@given(data=st.data(), value=hostile)
def test_staff_action_forms(
    staff_send: Sender, store: tuple[Order, int, Return], data: st.DataObject, value: str
) -> None:
    order, shipment_id, opened = store
    field = data.draw(st.sampled_from(_fields(shipment_id, opened.id, order.lines[0].id)))
    token = csrf_token(staff_send.client, f"/staff/orders/{order.number}")
    body = field.others | {field.name: value, "csrf_token": token}

    response = staff_send("POST", f"/staff/orders/{order.number}/{field.action}", data=encoded(body), content_type=FORM)

    if refused(arrived(value).strip()[: field.limit], multiline=field.lines):
        assert response.status_code == 422, response.get_data()[:300]
        assert _named(response, field.name), (field, response.get_data(as_text=True)[:2000])


@FUZZ
@given(value=hostile)
def test_staff_search(staff_send: Sender, store: tuple[Order, int, Return], value: str) -> None:
    response = staff_send("GET", f"/staff/?{query({'q': value})}")
    if refused(in_url(value).strip()[:200]):
        assert response.status_code == 400
        assert _named(response, "q")
    else:
        assert response.status_code == 200


@FUZZ
@given(cells=st.lists(hostile, min_size=3, max_size=3), raw=st.booleans())
def test_bulk_ship_upload(staff_send: Sender, store: tuple[Order, int, Return], cells: list[str], raw: bool) -> None:
    text = "order_number,carrier,tracking_number,service\n" + ",".join(f'"{c}"' for c in cells) + ",Ground\n"
    upload = wire(text) if raw else text.encode("utf-8", "replace")
    token = csrf_token(staff_send.client, "/staff/bulk-ship")
    response = staff_send(
        "POST", "/staff/bulk-ship", data={"csrf_token": token, "file": (io.BytesIO(upload), "ship.csv")}
    )
    assert response.status_code in {200, 422}


def _token(send: Sender) -> str:
    """The session's CSRF token, from the lookup page."""
    return csrf_token(send.client, "/")


@FUZZ
@given(field=st.sampled_from(["number", "contact"]), value=hostile)
def test_customer_lookup(send: Sender, store: tuple[Order, int, Return], field: str, value: str) -> None:
    sent = {"number": store[0].number, "contact": "ada@example.com"} | {field: value}
    response = send("POST", "/lookup", data=encoded(sent | {"csrf_token": _token(send)}), content_type=FORM)
    if refused(arrived(value).strip()):
        assert response.status_code == 422
        assert _named(response, field)


@FUZZ
@given(field=st.sampled_from(["email", "phone"]), value=hostile)
def test_customer_subscription(send: Sender, store: tuple[Order, int, Return], field: str, value: str) -> None:
    sent = {"email": "", "phone": "", "consent": "yes", "scope": "all", "csrf_token": _token(send)} | {field: value}
    response = send("POST", f"/track/{factories.TRACKING}/subscribe", data=encoded(sent), content_type=FORM)
    if refused(arrived(value).strip()):
        assert response.status_code == 422
        assert _named(response, field)


@FUZZ
@given(note=st.sampled_from(["note", "note-line"]), value=hostile)
def test_customer_return_notes(
    send: Sender, app: Flask, store: tuple[Order, int, Return], note: str, value: str
) -> None:
    order = store[0]
    with app.test_request_context():
        base = f"/orders/{order_token(order.id)}"
    line = order.lines[0].id  # two tees, one on the open return; the mug is final sale
    name = f"note-{line}" if note == "note-line" else "note"
    page = send.client.get(f"{base}/returns/new")
    tokens = dict(re.findall(r'name="(csrf_token|client_token)" value="([^"]+)"', page.get_data(as_text=True)))
    assert set(tokens) == {"csrf_token", "client_token"}
    sent = tokens | {f"qty-{line}": "1", f"reason-{line}": "too_small", name: value}
    response = send("POST", f"{base}/returns/review", data=encoded(sent), content_type=FORM)
    if refused(arrived(value).strip(), multiline=True):
        assert response.status_code == 422
        assert _named(response, name)


def _get_routes(app: Flask) -> list[str]:
    """Every GET route but the static files and Dash's own machinery."""
    skipped = ("/static/", "/assets/", "/_dash", "/vendor/", "/staff/static/")
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not any(part in rule.rule for part in skipped)
    )


QUERY_NAMES = ["q", "queue", "status", "number", "next", "from", "to", "channel", "carrier", "key", "template", "page"]


def test_every_page_takes_each_refused_character_in_its_path_and_query(
    staff_send: Sender, app: Flask, store: tuple[Order, int, Return]
) -> None:
    for rule, value in itertools.product(_get_routes(app), ["A\x00B", "\ud800", "\x1b\x85", "\x00" * 4000]):
        path = re.sub(r"<(?:[^:>]+:)?[^>]+>", segment(value), rule)
        staff_send("GET", f"{path}?{query(dict.fromkeys(QUERY_NAMES, value))}")


PATHS_SIGNED = ("shopify", "woocommerce", "easypost", "aftership")
FORM_NAMES = ["email", "phone", "contact", "number", "reason", "detail", "note", "text", "message", "location",
              "carrier", "service", "tracking_number", "amount", "scope", "consent", "Body", "From", "MessageSid",
              "MessageStatus", "ids", "password", "override_reason", "url", "description", "event_type"]  # fmt: skip


def test_every_form_takes_each_refused_character_in_its_path_and_fields(
    staff_send: Sender, app: Flask, store: tuple[Order, int, Return]
) -> None:
    """Every POST route of the pages (the API and the stores' webhooks have their own tests; signing
    out would leave the rest unseen)."""
    posts = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and not rule.rule.startswith(("/api/", "/dashboard/"))
        and rule.rule not in {*(f"/webhooks/{source}" for source in PATHS_SIGNED), "/staff/logout"}
    )  # fmt: skip
    for rule, value in itertools.product(posts, ["A\x00B", "\ud800", "\x1b\x85\n", "\x00" * 4000]):
        token = csrf_token(staff_send.client, "/")
        fields = dict.fromkeys(FORM_NAMES, value) | {"csrf_token": token}
        path = re.sub(r"<(?:[^:>]+:)?[^>]+>", segment(value), rule)
        staff_send("POST", path, data=encoded(fields), content_type=FORM)


@pytest.fixture
def published(app: Flask, app_shop: Shop, store: tuple[Order, int, Return]) -> None:
    """The analytics store the dashboard's pages and JSON read, published as the sync publishes it."""
    writer = StoreWriter(app_shop.db, app.config["ANALYTICS_STORE"])
    writer.sync()
    writer.close()


@FUZZ
@given(data=st.data(), value=hostile, names=st.lists(st.sampled_from(QUERY_NAMES), max_size=3))
def test_every_page_path_and_query(
    staff_send: Sender, app: Flask, published: None, data: st.DataObject, value: str, names: list[str]
) -> None:
    rule = data.draw(st.sampled_from(_get_routes(app)))
    path = re.sub(r"<(?:[^:>]+:)?[^>]+>", segment(value), rule)
    staff_send("GET", f"{path}?{query(dict.fromkeys(names, value))}" if names else path)
