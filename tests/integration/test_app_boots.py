"""The composition root builds one app with every feature, whose pages answer with security headers."""

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


def test_the_composition_root_installs_every_feature(app) -> None:  # type: ignore[no-untyped-def]
    portal = {"auth", "customer", "staff", "api", "webhooks"}
    notifications = {"unsubscribe", "subscriptions", "twilio_hooks", "notifications_staff"}
    assert {"assets"} | portal | notifications | {"dashboard_api"} <= set(app.blueprints)
    assert {"db", "seed", "import-orders", "webhooks", "kpis", "notifications"} <= set(app.cli.commands)


def test_importing_wsgi_builds_no_app() -> None:
    import wsgi

    assert "app" not in vars(wsgi)  # built on first access, by gunicorn or ``flask --app wsgi``
