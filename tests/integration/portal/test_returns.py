"""Self-service returns: eligibility in the policy's words, review, confirmation, label, cancel, no duplicates."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import func, select

from core.events.fact import Actor
from core.models import Order, Return, ReturnLine
from core.policies import ReturnPolicy
from core.services import return_resolution
from core.shop import Shop
from tests.integration.portal.conftest import Web

CLIENT_TOKEN = re.compile(rb'name="client_token" value="([^"]+)"')
RMA = re.compile(rb"RMA-[A-Z0-9]{8}")


def _start(web: Web, order: Order) -> tuple[str, str]:
    base = web.order_url(order.id)
    page = web.get(base + "/returns/new")
    assert page.status_code == 200
    return base, CLIENT_TOKEN.search(page.data).group(1).decode()  # type: ignore[union-attr]


def _review(web: Web, base: str, form: dict[str, str]) -> str:
    """Step 1 sent: the choices are kept and the review is a page of its own (post, redirect, get)."""
    sent = web.post(base + "/returns/review", form)
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith("/returns/review")
    return str(web.get(sent.headers["Location"]).data.decode())


def _count(shop: Shop) -> int:
    with shop.db.read() as session:
        return int(session.scalar(select(func.count(Return.id))) or 0)


def test_eligibility_in_the_policys_words(web: Web, shipped_order: Order, app_shop: Shop) -> None:
    page = web.get(web.order_url(shipped_order.id)).data.decode()
    assert "Not delivered yet." in page
    assert "Final sale: this item cannot be returned." in page
    assert "Return or exchange items" not in page


def test_exchange_offers_only_other_variants_in_stock(
    web: Web, delivered_order: Order, app_shop: Shop, catalog: dict[str, int]
) -> None:
    with app_shop.db.write() as session:  # sell out size L so it must not be offered
        from core.models import Variant

        session.get_one(Variant, catalog["TEE-L"]).reserved = session.get_one(Variant, catalog["TEE-L"]).on_hand
    page = web.get(web.order_url(delivered_order.id) + "/returns/new").data.decode()
    tee = delivered_order.lines[0].id
    options = re.search(rf'name="variant-{tee}"[^>]*>(.*?)</select>', page, re.S).group(1)  # type: ignore[union-attr]
    assert ">S" in options
    assert ">L" not in options
    assert ">M" not in options


def test_full_refund_return_with_fee_label_and_cancel(web: Web, delivered_order: Order, app_shop: Shop) -> None:
    app_shop.return_policy = replace(ReturnPolicy(), restocking_fee_bps=1000)
    base, token = _start(web, delivered_order)
    tee = delivered_order.lines[0].id
    form = {"client_token": token, f"qty-{tee}": "2", f"reason-{tee}": "too_small", f"note-{tee}": "snug"}
    review = _review(web, base, form)
    assert "$50.00" in review
    assert "−$5.00" in review
    assert "$45.00" in review
    assert "Shipping is not refunded" in review
    done = web.post(base + "/returns", form)
    status = web.get(done.headers["Location"]).data.decode()
    rma = RMA.search(status.encode()).group(0).decode()  # type: ignore[union-attr]
    assert "Your return is booked" in status
    assert "Approved" in status
    assert "Print your return label" in status
    label = web.get(f"{base}/returns/{rma}/label").data.decode()
    assert "<svg" in label
    assert f'aria-label="QR code of return number {rma}"' in label
    unconfirmed = web.post(f"{base}/returns/{rma}/cancel")
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm" in unconfirmed.data.decode()
    assert "Cancelled" not in web.get(f"{base}/returns/{rma}").data.decode()
    web.post(f"{base}/returns/{rma}/cancel", {"confirm": "yes"})
    assert "Cancelled" in web.get(f"{base}/returns/{rma}").data.decode()


def test_exchange_summary_and_reserved_variant(
    web: Web, delivered_order: Order, app_shop: Shop, catalog: dict[str, int]
) -> None:
    base, token = _start(web, delivered_order)
    tee = delivered_order.lines[0].id
    form = {"client_token": token, f"qty-{tee}": "1", f"reason-{tee}": "too_small"}
    form |= {f"resolution-{tee}": "exchange", f"variant-{tee}": str(catalog["TEE-L"])}
    review = _review(web, base, form)
    assert "Exchange for <strong>L</strong>" in review
    assert "$0.00" in review
    status = web.get(web.post(base + "/returns", form).headers["Location"]).data.decode()
    assert "Exchange for <strong>L</strong>" in status
    with app_shop.db.read() as session:
        line = session.scalars(select(ReturnLine)).one()
    assert (line.resolution, line.exchange_variant_id) == ("exchange", catalog["TEE-L"])


def test_double_submit_back_button_and_two_tabs_make_one_return(
    web: Web, delivered_order: Order, app_shop: Shop
) -> None:
    base, token = _start(web, delivered_order)
    _, second_tab = _start(web, delivered_order)
    assert second_tab == token  # same browser session, same form token
    tee = delivered_order.lines[0].id
    form = {"client_token": token, f"qty-{tee}": "1", f"reason-{tee}": "changed_mind"}
    first = web.post(base + "/returns", form)
    again = web.post(base + "/returns", form)  # double click, or back then confirm again
    other = web.post(base + "/returns", form | {f"qty-{tee}": "2"})  # the other tab, other choice
    assert first.headers["Location"] == again.headers["Location"] == other.headers["Location"]
    assert _count(app_shop) == 1
    _, fresh = _start(web, delivered_order)
    assert fresh != token  # a later, separate return gets a new token


def test_cannot_cancel_once_shipped_back(web: Web, delivered_order: Order, app_shop: Shop) -> None:
    base, token = _start(web, delivered_order)
    tee = delivered_order.lines[0].id
    status = web.get(
        web.post(base + "/returns", {"client_token": token, f"qty-{tee}": "1", f"reason-{tee}": "too_large"}).headers[
            "Location"
        ]
    )
    rma = RMA.search(status.data).group(0).decode()  # type: ignore[union-attr]
    with app_shop.db.read() as session:
        ret_id = session.scalar(select(Return.id).where(Return.rma == rma))
    return_resolution.mark_return_in_transit(app_shop, ret_id, actor=Actor("carrier"))
    page = web.get(f"{base}/returns/{rma}").data.decode()
    assert "Cancel this return" not in page
    assert "On its way back to us" in page
    refused = web.post(f"{base}/returns/{rma}/cancel", {"confirm": "yes"})
    assert refused.status_code == 409
    assert b"can no longer be cancelled" in refused.data


def test_invalid_choices_get_clear_messages(web: Web, delivered_order: Order, app_shop: Shop) -> None:
    base, token = _start(web, delivered_order)
    tee, mug = delivered_order.lines[0].id, delivered_order.lines[1].id
    cases = [
        ({}, "Choose at least one item"),
        ({f"qty-{tee}": "1"}, "Choose a reason"),
        ({f"qty-{tee}": "5", f"reason-{tee}": "too_small"}, "up to 2"),
        ({f"qty-{tee}": "-1", f"reason-{tee}": "too_small"}, "how many"),
        ({f"qty-{tee}": "1", f"reason-{tee}": "too_small", f"resolution-{tee}": "exchange"}, "in stock"),
        ({f"qty-{mug}": "1", f"reason-{mug}": "too_small"}, "Choose at least one item"),
    ]
    for extra, message in cases:
        for path in ("/returns/review", "/returns"):
            response = web.post(base + path, {"client_token": token, **extra})
            assert response.status_code == 422, (path, extra)
            assert message in response.data.decode(), (path, extra)
    assert web.post(base + "/returns/review", {"client_token": "x"}).status_code == 422
    assert _count(app_shop) == 0
