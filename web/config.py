"""Configuration from environment variables. Every setting has a documented default.

The shop's own settings (branding, support contact, return address and policy, hold threshold, time zone,
currency: ``core.settings``) are a manager's, on the staff hub's Settings page, and stored in the database;
their variables below are only the defaults of what was never set there. Secrets and infrastructure stay here.

| variable | default | meaning |
| --- | --- | --- |
| DATABASE_URL | sqlite:///<instance>/shiplog.db | SQLAlchemy URL; PostgreSQL: postgresql+psycopg://user@host/db |
| SECRET_KEY | generated once into instance/secret_key | signs sessions, CSRF tokens and order links |
| PUBLIC_BASE_URL | http://127.0.0.1:5000 | absolute links in messages; Twilio signature checks |
| REDIS_URL | (unset) | rate-limit storage and RQ dispatch workers when set |
| RATELIMIT_STORAGE_URI | REDIS_URL, else database:// | where rate-limit counters live: database:// is the app's own database (shared by every worker); memory:// counts per process and suits one worker only |
| SHOP_NAME / SHOP_LOGO_URL / SHOP_PRIMARY_COLOR / SHOP_ACCENT_COLOR | Shiplog Demo Store, …, #1f4f82, #f2a900 | branding (a setting: see below) |
| SHOP_SUPPORT_EMAIL / SHOP_SUPPORT_PHONE | support@example.com / (unset) | shown on every customer page (a setting) |
| SHOP_TIMEZONE / SHOP_CURRENCY | America/New_York / USD | times on customer pages and in messages; the shop's currency (settings) |
| SHOP_LOCALE | en | the shop's language: customer pages and messages use it when neither the order's locale, the page's language switcher nor the browser names one the shop speaks (en, es, de: translations/) |
| RETURN_WINDOW_DAYS / RESTOCKING_FEE_BPS / RETURNS_AUTO_APPROVE | 30 / 0 / true | return policy (settings) |
| FRAUD_SCORE_THRESHOLD | 75 | orders whose risk score (Shiplog's own, docs/risk.md) is above it go to review (a setting) |
| SETTINGS_CACHE_SECONDS | 5 | how long a process trusts the shop's settings before it checks their version in the database |
| STAFF_EXTRA_PERMISSIONS / STAFF_DENIED_PERMISSIONS | (unset) | comma-separated permission codes the staff role also has / does not have (docs/permissions.md); managers have all |
| TRUSTED_PROXY_COUNT | 0 | how many proxies in front set X-Forwarded-For; 0 trusts none |
| ORDER_LINK_MAX_AGE_DAYS | 30 | lifetime of signed order links (view purpose: the whole order) |
| RETURN_LINK_MAX_AGE_DAYS / UNSUBSCRIBE_LINK_MAX_AGE_DAYS | 60 / 365 | lifetime of return-label links and of unsubscribe links (see web/tokens.py) |
| SESSION_COOKIE_SECURE | true unless PUBLIC_BASE_URL is http | secure cookie flag |
| MAIL_* / TWILIO_* | (unset) | see notifications; unset means local sinks |
| MAIL_REPLY_TO | SHOP_SUPPORT_EMAIL | the Reply-To of every email: where a customer's reply goes |
| SHOPIFY_WEBHOOK_SECRET | (unset) | Shopify app secret: verifies X-Shopify-Hmac-Sha256; unset refuses Shopify webhooks |
| WOOCOMMERCE_WEBHOOK_SECRET | (unset) | WooCommerce webhook secret: verifies X-WC-Webhook-Signature |
| SHOPIFY_ACCESS_TOKEN | (unset) | the connected Shopify store's Admin API token (every call to it; its address is the stored connection: `stores connect`); never stored in the database |
| WOOCOMMERCE_CONSUMER_KEY / WOOCOMMERCE_CONSUMER_SECRET | (unset) | the connected WooCommerce store's REST API keys (every call to it) |
| EASYPOST_WEBHOOK_SECRET | (unset) | EasyPost webhook secret: verifies X-Hmac-Signature |
| AFTERSHIP_WEBHOOK_SECRET | (unset) | AfterShip webhook secret: verifies aftership-hmac-sha256 |
| PAYMENT_GATEWAY | fake | card payments of direct (API) orders: fake (the demo's built-in gateway) or stripe |
| PAYMENT_CAPTURE_AT | confirmation | when an authorised card payment is taken: confirmation (placed unheld, or released) or shipping (the first parcel leaves) |
| STRIPE_API_KEY / STRIPE_WEBHOOK_SECRET | (unset) | Stripe secret key (sk_...) and webhook signing secret (whsec_...): verifies Stripe-Signature; unset refuses Stripe webhooks |
| STRIPE_API_BASE | (unset: Stripe's own) | where the Stripe SDK sends its requests (a local stand-in in tests) |
| DASHBOARD_COMPRESS_ASSETS | true | gzip the dashboard's scripts and styles and let browsers keep versioned ones a year (dashboard/weight.py); false only to measure the difference |
| PORTAL_POLL_SECONDS | 30 | how often a moving order's page refreshes itself |
| LOOKUP_RATE_LIMIT / LOOKUP_ORDER_RATE_LIMIT | 20 per minute;200 per hour / 8 per minute;40 per hour | order lookups per client IP / per order number |
| TRACKING_RATE_LIMIT / POLL_RATE_LIMIT | 60 per minute;1000 per hour / 120 per minute | unknown tracking numbers per IP / live-update polls |
| SHOP_RETURN_ADDRESS | (unset; `make run` sets a demo one) | where returns go, printed on labels and in return emails; lines separated by new lines or `;`. Unset: pages and emails ask the customer to write to support for it |
| ANALYTICS_STORE | <instance>/analytics | the shared analytics store (a local directory): `flask analytics sync [--follow]` (or its RQ job) writes it, web workers only read it; docs/analytics-store.md |
| ANALYTICS_VIEWS | shared | who computes the dashboard's figures: `shared`, the analytics process (`flask analytics sync --follow` answers; web workers never run the queries); `queue`, a job on the `analytics` RQ queue (REDIS_URL; `rq worker analytics`); `local`, each web process itself (one-process runs) |
| ANALYTICS_VIEW_WAIT_SECONDS | 20 | how long a request waits for the analytics process's answer before the page says the figures are still being computed |
| ANALYTICS_SYNC_SECONDS | 10 | how often `analytics sync --follow` (and the RQ job's schedule) refreshes the store |
| API_RATE_LIMIT | 6000 per minute | requests per API key, unless the key has its own (`api-keys limit`) |
| API_KEY_CACHE_SECONDS | 10 | how long a process trusts an API key it has verified (a revoked key works at most this long) |
| NOTIFY_* | see notifications/wiring.py | dispatcher batch size, lease, retries, backoff, send lanes, inline dispatch |
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The connected stores' API credentials (web.app.bind_stores, core.services.store_connections.access): read
# here, never written to the database.
STORE_SECRETS = ("SHOPIFY_ACCESS_TOKEN", "WOOCOMMERCE_CONSUMER_KEY", "WOOCOMMERCE_CONSUMER_SECRET")


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    """A stable random key per install, so restarts keep sessions and links valid."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def load_config(instance_path: str) -> dict[str, Any]:
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    base_url = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return {
        "DATABASE_URL": _env("DATABASE_URL", f"sqlite:///{instance / 'shiplog.db'}"),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _secret_key(instance),
        "ANALYTICS_STORE": _env("ANALYTICS_STORE", str(instance / "analytics")),
        "ANALYTICS_SYNC_SECONDS": float(_env("ANALYTICS_SYNC_SECONDS", "10")),
        "ANALYTICS_VIEWS": _env("ANALYTICS_VIEWS", "shared"),
        "ANALYTICS_VIEW_WAIT_SECONDS": float(_env("ANALYTICS_VIEW_WAIT_SECONDS", "20")),
        "PUBLIC_BASE_URL": base_url,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SHOP_NAME": _env("SHOP_NAME", "Shiplog Demo Store"),
        "SHOP_LOGO_URL": os.environ.get("SHOP_LOGO_URL") or None,
        "SHOP_PRIMARY_COLOR": _env("SHOP_PRIMARY_COLOR", "#1f4f82"),
        "SHOP_ACCENT_COLOR": _env("SHOP_ACCENT_COLOR", "#f2a900"),
        "SHOP_SUPPORT_EMAIL": _env("SHOP_SUPPORT_EMAIL", "support@example.com"),
        "SHOP_SUPPORT_PHONE": os.environ.get("SHOP_SUPPORT_PHONE") or None,
        "SHOP_TIMEZONE": _env("SHOP_TIMEZONE", "America/New_York"),
        "SHOP_LOCALE": _env("SHOP_LOCALE", "en"),
        "RETURN_WINDOW_DAYS": int(_env("RETURN_WINDOW_DAYS", "30")),
        "RESTOCKING_FEE_BPS": int(_env("RESTOCKING_FEE_BPS", "0")),
        "RETURNS_AUTO_APPROVE": _flag(os.environ.get("RETURNS_AUTO_APPROVE"), True),
        "DASHBOARD_COMPRESS_ASSETS": _flag(os.environ.get("DASHBOARD_COMPRESS_ASSETS"), True),
        "FRAUD_SCORE_THRESHOLD": int(_env("FRAUD_SCORE_THRESHOLD", "75")),
        "SHOP_CURRENCY": _env("SHOP_CURRENCY", "USD"),
        "SETTINGS_CACHE_SECONDS": float(_env("SETTINGS_CACHE_SECONDS", "5")),
        "STAFF_EXTRA_PERMISSIONS": os.environ.get("STAFF_EXTRA_PERMISSIONS") or "",
        "STAFF_DENIED_PERMISSIONS": os.environ.get("STAFF_DENIED_PERMISSIONS") or "",
        "TRUSTED_PROXY_COUNT": int(_env("TRUSTED_PROXY_COUNT", "0")),
        "ORDER_LINK_MAX_AGE_DAYS": int(_env("ORDER_LINK_MAX_AGE_DAYS", "30")),
        "RETURN_LINK_MAX_AGE_DAYS": int(_env("RETURN_LINK_MAX_AGE_DAYS", "60")),
        "UNSUBSCRIBE_LINK_MAX_AGE_DAYS": int(_env("UNSUBSCRIBE_LINK_MAX_AGE_DAYS", "365")),
        "SESSION_COOKIE_SECURE": _flag(os.environ.get("SESSION_COOKIE_SECURE"), base_url.startswith("https")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(_env("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _flag(os.environ.get("MAIL_USE_TLS"), False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": _env("MAIL_DEFAULT_SENDER", "Shiplog Demo Store <updates@example.com>"),
        "MAIL_REPLY_TO": os.environ.get("MAIL_REPLY_TO") or None,  # None: SHOP_SUPPORT_EMAIL
        "TWILIO_ACCOUNT_SID": os.environ.get("TWILIO_ACCOUNT_SID") or None,
        "TWILIO_AUTH_TOKEN": os.environ.get("TWILIO_AUTH_TOKEN") or None,
        "TWILIO_FROM_NUMBER": os.environ.get("TWILIO_FROM_NUMBER") or None,
        "SHOPIFY_WEBHOOK_SECRET": os.environ.get("SHOPIFY_WEBHOOK_SECRET") or None,
        "WOOCOMMERCE_WEBHOOK_SECRET": os.environ.get("WOOCOMMERCE_WEBHOOK_SECRET") or None,
        **{name: os.environ.get(name) or None for name in STORE_SECRETS},
        "EASYPOST_WEBHOOK_SECRET": os.environ.get("EASYPOST_WEBHOOK_SECRET") or None,
        "AFTERSHIP_WEBHOOK_SECRET": os.environ.get("AFTERSHIP_WEBHOOK_SECRET") or None,
        **_portal_settings(),
        **_payment_settings(),
    }


def _payment_settings() -> dict[str, Any]:
    return {
        "PAYMENT_GATEWAY": _env("PAYMENT_GATEWAY", "fake"),
        "PAYMENT_CAPTURE_AT": _env("PAYMENT_CAPTURE_AT", "confirmation"),
        "STRIPE_API_KEY": os.environ.get("STRIPE_API_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE") or None,
    }


def _portal_settings() -> dict[str, Any]:
    settings: dict[str, Any] = {
        "PORTAL_POLL_SECONDS": int(_env("PORTAL_POLL_SECONDS", "30")),
        "LOOKUP_RATE_LIMIT": _env("LOOKUP_RATE_LIMIT", "20 per minute;200 per hour"),
        "LOOKUP_ORDER_RATE_LIMIT": _env("LOOKUP_ORDER_RATE_LIMIT", "8 per minute;40 per hour"),
        "TRACKING_RATE_LIMIT": _env("TRACKING_RATE_LIMIT", "60 per minute;1000 per hour"),
        "POLL_RATE_LIMIT": _env("POLL_RATE_LIMIT", "120 per minute"),
        "API_RATE_LIMIT": _env("API_RATE_LIMIT", "6000 per minute"),
        "API_KEY_CACHE_SECONDS": float(_env("API_KEY_CACHE_SECONDS", "10")),
    }
    for optional in ("SHOP_RETURN_ADDRESS", "RATELIMIT_STORAGE_URI"):
        if os.environ.get(optional):
            settings[optional] = os.environ[optional]
    return settings
