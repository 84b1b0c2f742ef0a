"""GSM-7 counting, backoff with jitter, how provider errors are classified, and the Twilio HTTP session."""

from __future__ import annotations

import random
import smtplib

import pytest
from twilio.base.exceptions import TwilioRestException

from notifications import gsm
from notifications.adapters import _twilio_failure
from notifications.reports import STATUS_RANK
from notifications.smtp import smtp_failure
from notifications.store import RetryPolicy


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
    assert (smtp_failure(451, "later").permanent, smtp_failure(550, "no").permanent) == (False, True)
    assert smtp_failure(421, "closing").permanent is False


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


def test_the_twilio_session_reads_proxy_settings_from_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from notifications.twilio_http import EnvironmentOnceSession

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    session = EnvironmentOnceSession()
    first = session.merge_environment_settings("https://api.twilio.com/2010-04-01/x", {}, None, None, None)
    first["proxies"]["https"] = "changed by a caller"
    monkeypatch.setenv("HTTPS_PROXY", "http://other.example:3128")
    again = session.merge_environment_settings("https://api.twilio.com/2010-04-01/y", {}, None, None, None)
    bypassed = session.merge_environment_settings("https://internal.example/x", {}, None, None, None)

    assert again["proxies"]["https"] == "http://proxy.example:3128"  # read once per host, and not shared
    assert "https" not in bypassed["proxies"]  # NO_PROXY is still honoured per host


def test_the_twilio_adapter_works_out_each_hosts_pool_key_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import os.path

    from requests import Request

    from notifications.twilio_http import PoolKeyOnceAdapter

    looked: list[str] = []
    monkeypatch.setattr(os.path, "isdir", lambda path: looked.append(path) or False)
    adapter = PoolKeyOnceAdapter()
    keys = [
        adapter.build_connection_pool_key_attributes(Request("POST", url).prepare(), "/etc/ca.pem")
        for url in ("https://api.twilio.com/a", "https://api.twilio.com/b", "https://other.example/c")
    ]
    keys[0][1]["ca_certs"] = "changed by a caller"

    assert looked == ["/etc/ca.pem", "/etc/ca.pem"]  # once per host, not once per request
    assert adapter.build_connection_pool_key_attributes(
        Request("GET", "https://api.twilio.com/d").prepare(), "/etc/ca.pem"
    ) == (
        {"scheme": "https", "host": "api.twilio.com", "port": None},
        {"ca_certs": "/etc/ca.pem", "cert_reqs": "CERT_REQUIRED"},
    )
    assert keys[2][0]["host"] == "other.example"
