"""The app factory builds an app whose pages answer with security headers."""

from __future__ import annotations


def test_home_page_has_csp_without_inline_script(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_htmx_is_served_locally(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/vendor/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in response.data[:2000]
