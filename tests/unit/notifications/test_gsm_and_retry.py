"""GSM-7 counting, backoff with jitter, and how provider errors are classified."""

from __future__ import annotations

import random
import smtplib

import pytest
from twilio.base.exceptions import TwilioRestException

from notifications import gsm
from notifications.adapters import _smtp_failure, _twilio_failure
from notifications.store import STATUS_RANK, RetryPolicy


def test_typography_becomes_gsm_and_whitespace_collapses() -> None:
    assert gsm.to_gsm7("It’s “here” — soon…\n\n  really") == 'It\'s "here" - soon... really'
    assert gsm.is_gsm7(gsm.to_gsm7("Café — ok"))


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("ć" * 70, 1),
        ("ć" * 71, 2),
    ],
)
def test_segments(text: str, segments: int) -> None:
    assert gsm.segments(text) == segments


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    policy = RetryPolicy(max_attempts=8, base_seconds=30, cap_seconds=600)
    rng = random.Random(1)
    for attempt, step in ((1, 30), (2, 60), (3, 120), (6, 600), (7, 600)):
        delays = [policy.delay(attempt, rng).total_seconds() for _ in range(50)]
        assert all(step / 2 <= d <= step for d in delays), attempt
        assert len(set(delays)) > 1  # jittered, so retries from one outage spread out


def test_smtp_codes() -> None:
    assert (_smtp_failure(451, "later").permanent, _smtp_failure(550, "no").permanent) == (False, True)
    assert _smtp_failure(421, "closing").permanent is False


@pytest.mark.parametrize(
    ("status", "code", "permanent", "opted_out"),
    [
        (429, 20429, False, False),
        (503, None, False, False),
        (500, 20500, False, False),
        (400, 21610, True, True),
        (400, 21211, True, False),
        (401, 20003, True, False),
    ],
)
def test_twilio_errors(status: int, code: int | None, permanent: bool, opted_out: bool) -> None:
    delivery = _twilio_failure(TwilioRestException(status, "/Messages.json", "msg", code=code))
    assert (delivery.ok, delivery.permanent, delivery.opted_out) == (False, permanent, opted_out)


def test_delivery_statuses_only_move_forward() -> None:
    order = ["queued", "sending", "sent", "delivered", "read"]
    assert [STATUS_RANK[s] for s in order] == sorted(STATUS_RANK[s] for s in order)
    assert STATUS_RANK["undelivered"] == STATUS_RANK["failed"] == STATUS_RANK["delivered"]


def test_smtp_exception_types_are_what_the_adapter_expects() -> None:
    assert issubclass(smtplib.SMTPDataError, smtplib.SMTPResponseException)
    assert not issubclass(smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException)
