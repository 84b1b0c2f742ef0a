"""Return eligibility and hold reasons: the business policies, as data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.policies import HoldPolicy, ReturnPolicy, hold_reasons, line_eligibility

NOW = datetime(2025, 3, 20, 15, 0, tzinfo=UTC)
POLICY = ReturnPolicy(window_days=30)


def _eligibility(**overrides: object):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {
        "quantity_delivered": 3,
        "quantity_returning": 0,
        "final_sale": False,
        "delivered_at": NOW - timedelta(days=5),
        "now": NOW,
        "policy": POLICY,
    }
    fields.update(overrides)
    return line_eligibility(**fields)  # type: ignore[arg-type]


def test_final_sale_is_never_eligible_even_when_delivered() -> None:
    check = _eligibility(final_sale=True)
    assert (check.eligible, check.code, check.max_quantity) == (False, "final_sale", 0)
    assert check.message == "Final sale: this item cannot be returned."


@pytest.mark.parametrize(("delivered", "at"), [(0, None), (0, NOW), (2, None)])
def test_a_line_not_delivered_is_not_eligible(delivered: int, at: datetime | None) -> None:
    check = _eligibility(quantity_delivered=delivered, delivered_at=at)
    assert (check.eligible, check.code, check.max_quantity) == (False, "not_delivered", 0)
    assert check.message == "Not delivered yet."


def test_window_closed_names_the_closing_date() -> None:
    check = _eligibility(delivered_at=datetime(2025, 2, 1, 9, 0, tzinfo=UTC))
    assert (check.eligible, check.code) == (False, "window_closed")
    assert check.message == "Return window closed on 3 March 2025."
    assert check.window_closes_on is not None
    assert check.window_closes_on.isoformat() == "2025-03-03"


def test_the_last_day_of_the_window_is_still_inside_it() -> None:
    delivered = NOW - timedelta(days=30)
    assert _eligibility(delivered_at=delivered).eligible
    assert not _eligibility(delivered_at=delivered - timedelta(days=1)).eligible


def test_already_returned_or_requested_quantity_is_not_eligible() -> None:
    check = _eligibility(quantity_delivered=2, quantity_returning=2)
    assert (check.eligible, check.code, check.max_quantity) == (False, "already_returned", 0)
    assert "Already returned" in check.message


def test_eligible_line_offers_what_is_left_and_the_deadline() -> None:
    check = _eligibility(quantity_delivered=3, quantity_returning=1, delivered_at=datetime(2025, 3, 10, tzinfo=UTC))
    assert (check.eligible, check.code, check.max_quantity) == (True, "eligible", 2)
    assert check.message == "Can be returned until 9 April 2025."


def test_final_sale_wins_over_every_other_reason() -> None:
    check = _eligibility(final_sale=True, quantity_delivered=0, delivered_at=None)
    assert check.code == "final_sale"


def test_return_policy_review_and_fee() -> None:
    policy = ReturnPolicy(restocking_fee_bps=1500)
    assert policy.restocking_fee(10_000) == 1500
    assert policy.restocking_fee(999) == 149  # rounded down, in the customer's favour
    assert not policy.needs_review({"too_small"})
    assert policy.needs_review({"too_small", "damaged"})
    assert ReturnPolicy(auto_approve=False).needs_review({"too_small"})


HOLD = HoldPolicy()


def _holds(carrier: str = "usps", lines: list[str] | None = None, score: int = 0, note: str | None = None):  # type: ignore[no-untyped-def]
    return hold_reasons(
        carrier=carrier, address_lines=lines or ["12 Main St", ""], fraud_score=score, note=note, policy=HOLD
    )


PO_BOX_LINES = ["PO Box 42", "P.O. Box 42", "p o box 42", "P. O. Box 7", "Post Office Box 12", "POBox 9", "pobox 1"]


@pytest.mark.parametrize("line", PO_BOX_LINES)
@pytest.mark.parametrize("carrier", ["ups", "fedex", "dhl", "UPS", " FedEx "])
def test_po_box_holds_for_a_carrier_that_refuses_them(line: str, carrier: str) -> None:
    reasons = _holds(carrier, [line])
    assert [code for code, _ in reasons] == ["po_box"]
    assert "does not deliver to PO boxes" in reasons[0][1]


@pytest.mark.parametrize("line", PO_BOX_LINES)
def test_po_box_is_fine_for_a_carrier_that_accepts_them(line: str) -> None:
    assert _holds("usps", [line]) == []


def test_po_box_on_the_second_address_line_counts() -> None:
    assert [c for c, _ in _holds("ups", ["Ada Lovelace", "PO Box 42"])] == ["po_box"]


@pytest.mark.parametrize("line", ["12 Boxwood Lane", "1 Post Road", "Pobrook Street 4", "Shipping Point 9"])
def test_addresses_that_only_look_like_po_boxes_do_not_hold(line: str) -> None:
    assert _holds("ups", [line]) == []


@pytest.mark.parametrize(("score", "held"), [(0, False), (74, False), (75, False), (76, True), (100, True)])
def test_fraud_score_holds_only_above_the_threshold(score: int, held: bool) -> None:
    reasons = _holds(score=score)
    assert bool(reasons) is held
    if held:
        assert reasons == [("fraud_score", f"fraud score {score} > 75")]


@pytest.mark.parametrize(
    "note",
    [
        "Please engrave 'A.L.'",
        "Engraving on the back",
        "monogram please",
        "Can you personalise it?",
        "personalized",
        "Custom colour",
        "CUSTOMISED box",
    ],
)
def test_customisation_notes_hold(note: str) -> None:
    assert _holds(note=note) == [("customisation", f"note: {note}")]


@pytest.mark.parametrize("note", [None, "", "Leave at the door", "Call customer service", "customs papers inside"])
def test_ordinary_notes_do_not_hold(note: str | None) -> None:
    assert _holds(note=note) == []


def test_every_reason_is_reported_together() -> None:
    reasons = _holds("fedex", ["PO Box 1"], 90, "engrave it")
    assert [code for code, _ in reasons] == ["po_box", "fraud_score", "customisation"]


def test_a_shop_configures_its_own_hold_policy() -> None:
    policy = HoldPolicy(fraud_score_threshold=10, carriers_refusing_po_boxes=frozenset({"usps"}))
    reasons = hold_reasons(carrier="usps", address_lines=["PO Box 3"], fraud_score=11, note=None, policy=policy)
    assert [code for code, _ in reasons] == ["po_box", "fraud_score"]
