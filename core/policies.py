"""Business policies, expressed as data so a shop changes them in configuration, not code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.wording import translatable

RETURN_REASONS: dict[str, str] = {
    "too_small": translatable("Too small"),
    "too_large": translatable("Too large"),
    "not_as_described": translatable("Not as described"),
    "changed_mind": translatable("Changed my mind"),
    "damaged": translatable("Arrived damaged"),
    "wrong_item": translatable("Wrong item sent"),
    "arrived_late": translatable("Arrived too late"),
    "other": translatable("Other"),
}

CONDITIONS: dict[str, str] = {
    "resellable": "As new: goes back into stock",
    "damaged": "Damaged: written off",
    "unsellable": "Used or incomplete: written off",
}

PO_BOX = re.compile(r"\b(p\.?\s*o\.?\s*box|post\s+office\s+box|pobox|postfach|apartado)\b", re.IGNORECASE)


@dataclass(frozen=True)
class HoldPolicy:
    fraud_score_threshold: int = 75  # scores above this go to review
    carriers_refusing_po_boxes: frozenset[str] = frozenset({"ups", "fedex", "dhl"})
    # Word stems that ask for customisation; a word starting with one counts, unless it is a known
    # everyday word that merely shares the stem ("customer service", "held at customs").
    customisation_words: tuple[str, ...] = ("engrav", "monogram", "personalis", "personaliz", "custom")
    not_customisation_words: frozenset[str] = frozenset({"customer", "customers", "customs", "customary"})


CAPTURE_POINTS = ("confirmation", "shipping")


@dataclass(frozen=True)
class PaymentPolicy:
    """When an authorised card payment is taken: as the order is confirmed (placed without a hold,
    or released), or when its first parcel leaves (the order is confirmed on the authorisation)."""

    capture_at: str = "confirmation"  # one of CAPTURE_POINTS

    def __post_init__(self) -> None:
        if self.capture_at not in CAPTURE_POINTS:
            raise ValueError(f"PAYMENT_CAPTURE_AT must be one of {', '.join(CAPTURE_POINTS)}, not {self.capture_at!r}.")

    @property
    def at_shipping(self) -> bool:
        return self.capture_at == "shipping"


@dataclass(frozen=True)
class ReturnPolicy:
    window_days: int = 30  # counted from the delivery of the line
    restocking_fee_bps: int = 0  # basis points of each refunded line's value
    auto_approve: bool = True
    manual_review_reasons: frozenset[str] = frozenset({"damaged", "wrong_item"})
    reasons: dict[str, str] = field(default_factory=lambda: dict(RETURN_REASONS))
    resellable_conditions: frozenset[str] = frozenset({"resellable"})
    # A manager may take back what the policy refuses (final sale, window closed) for these reasons:
    # the shop's fault, which no "final sale" sign excuses.
    override_reasons: frozenset[str] = frozenset({"damaged", "wrong_item"})

    def window_closes_on(self, delivered_at: datetime) -> date:
        return (delivered_at + timedelta(days=self.window_days)).date()

    def needs_review(self, reasons: set[str]) -> bool:
        return not self.auto_approve or bool(reasons & self.manual_review_reasons)

    def restocking_fee(self, refundable_minor: int) -> int:
        return refundable_minor * self.restocking_fee_bps // 10_000


@dataclass(frozen=True)
class LineEligibility:
    eligible: bool
    code: str  # eligible | not_delivered | window_closed | final_sale | already_returned
    message: str
    max_quantity: int
    window_closes_on: date | None = None
    # How many a manager may still take back despite the refusal (final sale, window closed), for
    # one of the policy's ``override_reasons``; 0 where nothing can override (not delivered, all back).
    override_quantity: int = 0


def line_eligibility(
    *,
    quantity_delivered: int,
    quantity_returning: int,
    final_sale: bool,
    delivered_at: datetime | None,
    now: datetime,
    policy: ReturnPolicy,
) -> LineEligibility:
    """Whether (and how many of) a line can still be returned, in the policy's words."""
    remaining = max(0, quantity_delivered - quantity_returning) if delivered_at is not None else 0
    if final_sale:
        return LineEligibility(False, "final_sale", ELIGIBILITY_TEXT["final_sale"], 0, None, remaining)
    if quantity_delivered == 0 or delivered_at is None:
        return LineEligibility(False, "not_delivered", ELIGIBILITY_TEXT["not_delivered"], 0)
    closes = policy.window_closes_on(delivered_at)
    if now.date() > closes:
        closed = ELIGIBILITY_TEXT["window_closed"].format(date=f"{closes:%-d %B %Y}")
        return LineEligibility(False, "window_closed", closed, 0, closes, remaining)
    if remaining <= 0:
        return LineEligibility(False, "already_returned", ELIGIBILITY_TEXT["already_returned"], 0, closes)
    message = ELIGIBILITY_TEXT["eligible"].format(date=f"{closes:%-d %B %Y}")
    return LineEligibility(True, "eligible", message, remaining, closes)


# What each eligibility code tells the customer; ``{date}`` is the window's last day (pages write it in
# the reader's language: web.wording.eligibility).
ELIGIBILITY_TEXT: dict[str, str] = {
    "eligible": translatable("Can be returned until {date}."),
    "window_closed": translatable("Return window closed on {date}."),
    "final_sale": translatable("Final sale: this item cannot be returned."),
    "not_delivered": translatable("Not delivered yet."),
    "already_returned": translatable("Already returned, or on a return in progress."),
}


_WORD = re.compile(r"[^\W\d_]+")


def asks_for_customisation(note: str | None, policy: HoldPolicy) -> bool:
    """True when a word of the note starts with a customisation stem (whole words, not substrings)."""
    words = {word.lower() for word in _WORD.findall(note or "")}
    return any(
        word.startswith(stem) for word in words - policy.not_customisation_words for stem in policy.customisation_words
    )


def hold_reasons(
    *, carrier: str, address_lines: list[str], fraud_score: int, note: str | None, policy: HoldPolicy
) -> list[tuple[str, str]]:
    """The reasons an order must wait for staff, each as (code, detail)."""
    found: list[tuple[str, str]] = []
    code = carrier.strip().lower()
    if code in policy.carriers_refusing_po_boxes and any(PO_BOX.search(line or "") for line in address_lines):
        found.append(("po_box", f"{code.upper()} does not deliver to PO boxes"))
    if fraud_score > policy.fraud_score_threshold:
        found.append(("fraud_score", f"fraud score {fraud_score} > {policy.fraud_score_threshold}"))
    if asks_for_customisation(note, policy):
        found.append(("customisation", f"note: {(note or '')[:120]}"))
    return found
