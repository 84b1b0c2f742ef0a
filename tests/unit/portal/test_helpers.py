"""Masking, the lookup comparison, the fragment cache, QR codes and the customer wording."""

from __future__ import annotations

from core.queries import masking
from core.queries.orders import LookupRow
from portal.customer import texts
from portal.customer.access import matches
from portal.customer.cache import FragmentCache
from portal.customer.forms import Lookup
from portal.customer.qr import qr_svg


def test_masking_hides_but_keeps_the_shape() -> None:
    assert masking.mask_name("Ada Lovelace") == "A•• L••••••"
    assert masking.mask_street("12 Analytical Way") == "12 A•••••• W••"
    assert masking.mask_postal("12345") == "12•••"
    assert masking.mask_email("ada@example.com") == "a••@example.com"
    assert masking.mask_phone("+15555550123") == "•••••••23"
    assert masking.mask_phone(None) == ""


def test_lookup_matches_only_the_right_contact_of_a_real_order() -> None:
    row = LookupRow(7, "ada@example.com", "+15555550123")
    assert matches(row, Lookup("SL1", "email", "ada@example.com"))
    assert matches(row, Lookup("SL1", "phone", "+15555550123"))
    assert not matches(row, Lookup("SL1", "email", "eve@example.com"))
    assert not matches(None, Lookup("SL1", "email", "nobody@invalid.example"))  # the decoy never opens anything
    assert not matches(LookupRow(8, "a@b.co", None), Lookup("SL1", "phone", ""))


def test_fragment_cache_evicts_least_recently_used() -> None:
    cache: FragmentCache[str] = FragmentCache(size=2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"
    cache.put("c", "C")
    assert cache.get("b") is None
    assert cache.get("a") == "A"
    assert cache.get("c") == "C"
    assert cache.get_or_make("d", lambda: None) is None
    assert cache.get("d") is None
    assert cache.get_or_make("e", lambda: "E") == "E"
    assert cache.get("e") == "E"


def test_qr_is_inline_svg_with_an_escaped_label() -> None:
    svg = qr_svg("RMA-ABCDEFGH", label='Return "RMA" <x>')
    assert svg.startswith("<svg ")
    assert 'role="img"' in svg
    assert "&lt;x&gt;" in svg
    assert "<?xml" not in svg


def test_every_status_has_customer_wording_and_a_step() -> None:
    from core.lifecycle import OrderStatus, ReturnStatus, ShipmentStatus

    assert set(texts.ORDER_STATUS) == {s.value for s in OrderStatus}
    assert set(texts.SHIPMENT_STATUS) == {s.value for s in ShipmentStatus}
    assert set(texts.RETURN_STATUS) == {s.value for s in ReturnStatus}
    assert texts.shipment_step("delivered") == len(texts.SHIPMENT_STEPS)
    assert texts.order_step("cancelled") == 0
    assert texts.exception_text("customs")[0] == "Held at customs"
    assert "Shop X" in texts.consent_text("Shop X")
