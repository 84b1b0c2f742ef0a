"""Staff stock pages: search by SKU or title, levels, the low-stock list, receiving against a
reference and adjusting with a reason (plain forms and htmx blocks), each change an event."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from core.domain.commands import LineInput
from core.models import Event
from core.shop import Shop
from tests import factories
from tests.integration.staff.conftest import csrf_token


def _post(client: FlaskClient, sku: str, move: str, data: dict[str, str], *, htmx: bool = False):  # type: ignore[no-untyped-def]
    token = csrf_token(client, f"/staff/stock/{sku}")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/staff/stock/{sku}/{move}", data={"csrf_token": token, **data}, headers=headers)


def _stock_events(shop: Shop) -> list[Event]:
    with shop.db.read() as session:
        return list(session.scalars(select(Event).where(Event.type.like("stock.%")).order_by(Event.id)))


def test_the_stock_page_finds_skus_by_sku_or_title_and_shows_their_levels(
    staff_client: FlaskClient, app_shop: Shop, catalog: dict[str, int]
) -> None:
    factories.place(app_shop, lines=[LineInput("TEE-M", 2)])
    page = staff_client.get("/staff/stock?q=tee").get_data(as_text=True)
    assert 'data-sku="TEE-M"' in page
    assert 'data-sku="MUG-1"' not in page
    assert "Showing <strong>1–3</strong> of <strong>3</strong> SKUs" in page
    by_title = staff_client.get("/staff/stock?q=enamel").get_data(as_text=True)
    assert 'data-sku="MUG-1"' in by_title
    item = staff_client.get("/staff/stock/TEE-M").get_data(as_text=True)
    assert '<dd data-level="on_hand">50</dd>' in item
    assert '<dd data-level="reserved">2</dd>' in item
    assert '<dd data-level="available">48' in item
    block = staff_client.get("/staff/stock?q=mug", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert block.lstrip().startswith('<div id="stock-results">')
    assert staff_client.get("/staff/stock?q=bad%00").status_code == 400
    assert staff_client.get("/staff/stock/NOPE").status_code == 404


def test_the_low_stock_list_shows_skus_at_or_below_their_reorder_point(
    staff_client: FlaskClient, app_shop: Shop
) -> None:
    factories.make_catalog(app_shop, on_hand=6, reorder_point=5)
    factories.place(app_shop, lines=[LineInput("TEE-S", 1), LineInput("MUG-1", 2)])
    page = staff_client.get("/staff/stock?low=1").get_data(as_text=True)
    assert 'data-sku="TEE-S"' in page  # 5 available, reorder point 5
    assert 'data-sku="MUG-1"' in page
    assert 'data-sku="TEE-M"' not in page


def test_receiving_and_adjusting_without_javascript_redirect_and_record_events(
    staff_client: FlaskClient, app_shop: Shop, catalog: dict[str, int]
) -> None:
    received = _post(staff_client, "TEE-L", "receive", {"quantity": "12", "reference": "PO-2001"})
    assert received.status_code == 303
    assert received.headers["Location"].endswith("/staff/stock/TEE-L")
    adjusted = _post(staff_client, "TEE-L", "adjust", {"delta": "-2", "reason": "damaged in transit"})
    assert adjusted.status_code == 303
    page = staff_client.get("/staff/stock/TEE-L").get_data(as_text=True)
    assert "TEE-L now has 60 on hand." in page
    assert "PO-2001" in page
    moves = [
        (e.type, e.payload["before"], e.payload["after"], e.payload["reason"], e.actor_type)
        for e in _stock_events(app_shop)
    ]
    assert moves == [
        ("stock.received", 50, 62, "received", "staff"),
        ("stock.adjusted", 62, 60, "damaged in transit", "staff"),
    ]


def test_an_htmx_adjustment_gets_the_block_back_and_a_bad_one_its_reason(
    staff_client: FlaskClient, app_shop: Shop, catalog: dict[str, int]
) -> None:
    counted = _post(staff_client, "MUG-1", "adjust", {"count": "40", "reason": "stocktake"}, htmx=True)
    assert counted.status_code == 200
    html = counted.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card stock-item" id="stock-item"')
    assert '<dd data-level="on_hand">40</dd>' in html
    refused = _post(staff_client, "MUG-1", "adjust", {"delta": "x", "reason": "oops"}, htmx=True)
    assert refused.status_code == 422
    assert 'data-field="delta"' in refused.get_data(as_text=True)
    no_reason = _post(staff_client, "MUG-1", "adjust", {"delta": "1"})
    assert no_reason.status_code == 422
    assert "A reason is required." in no_reason.get_data(as_text=True)
    assert len(_stock_events(app_shop)) == 1


def test_a_role_without_the_permission_sees_no_forms_and_is_refused(
    app_shop: Shop, app, catalog: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    from core.permissions import Permission, PermissionTable
    from tests.integration.staff.conftest import sign_in

    app_shop.permissions = PermissionTable.for_shop(staff_not=[Permission.STOCK_ADJUST])
    client = sign_in(app.test_client(), app_shop, "staff")
    assert 'data-refused="stock.adjust"' in client.get("/staff/stock/TEE-M").get_data(as_text=True)
    assert _post(client, "TEE-M", "receive", {"quantity": "1"}).status_code == 403
    assert _stock_events(app_shop) == []
