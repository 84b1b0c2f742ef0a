"""Hypothesis fuzz over the lookup, tracking, subscription and return forms: never a server error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Order
from tests.integration.portal.conftest import Web

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
junk = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["", " ", "\x00", "SL", "-1", "99999999999999999999", "+1", "@", "a@b", "１２３", "🚚" * 50]),
    st.text(min_size=3000, max_size=6000),
)


def _no_server_error(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.data[:500]


@FUZZ
@given(number=junk, contact=junk, htmx=st.booleans())
def test_lookup_form(web: Web, confirmed_order: Order, number: str, contact: str, htmx: bool) -> None:
    web.app.config["RATELIMIT_ENABLED"] = False
    _no_server_error(web.post("/lookup", {"number": number, "contact": contact}, htmx=htmx))
    _no_server_error(web.get("/track", query_string={"number": number}, htmx=htmx))


@FUZZ
@given(email=junk, phone=junk, scope=junk, consent=st.sampled_from(["yes", "", "no"]))
def test_subscription_form(web: Web, delivered_order: Order, email: str, phone: str, scope: str, consent: str) -> None:
    web.app.config["RATELIMIT_ENABLED"] = False
    data = {"email": email, "phone": phone, "scope": scope, "consent": consent}
    _no_server_error(web.post("/track/1Z999AA10123456784/subscribe", data))


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["qty", "reason", "resolution", "variant", "note"]), junk, max_size=5),
       token=st.one_of(junk, st.just("T" * 32)), create=st.booleans())  # fmt: skip
def test_return_forms(web: Web, delivered_order: Order, fields: dict[str, str], token: str, create: bool) -> None:
    web.app.config["RATELIMIT_ENABLED"] = False
    base = web.order_url(delivered_order.id)
    tee = delivered_order.lines[0].id
    data = {f"{name}-{tee}": value for name, value in fields.items()} | {"client_token": token, "note": token}
    _no_server_error(web.post(base + ("/returns" if create else "/returns/review"), data))


@FUZZ
@given(path=junk)
def test_path_segments(web: Web, delivered_order: Order, path: str) -> None:
    web.app.config["RATELIMIT_ENABLED"] = False
    from urllib.parse import quote

    segment = quote(path, safe="")[:2000] or "x"
    for url in (f"/track/{segment}", f"/orders/{segment}", f"{web.order_url(delivered_order.id)}/returns/{segment}"):
        _no_server_error(web.get(url))
