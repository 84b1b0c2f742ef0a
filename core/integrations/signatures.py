"""Webhook signature checks, one per platform, all constant-time.

Every scheme is an HMAC-SHA256 over the raw request body, as sent; only the encoding
and the header differ. A missing secret refuses everything (fail closed).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from collections.abc import Callable

EASYPOST_PREFIX = "hmac-sha256-hex="


def _digest(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()


def sign_base64(secret: str, body: bytes) -> str:
    """Shopify, WooCommerce and AfterShip: base64 of the raw digest."""
    return base64.b64encode(_digest(secret, body)).decode("ascii")


def sign_easypost(secret: str, body: bytes) -> str:
    """EasyPost normalises the secret to NFKD, then sends the hex digest with a prefix."""
    normalised = unicodedata.normalize("NFKD", secret)
    return EASYPOST_PREFIX + hmac.new(normalised.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _matches(expected: str, given: str | None) -> bool:
    if not given:
        return False
    return hmac.compare_digest(expected.encode("ascii"), given.strip().encode("ascii", "replace"))


def verify_base64(secret: str | None, body: bytes, given: str | None) -> bool:
    return bool(secret) and _matches(sign_base64(secret or "", body), given)


def verify_easypost(secret: str | None, body: bytes, given: str | None) -> bool:
    return bool(secret) and _matches(sign_easypost(secret or "", body), given)


# source -> (signature header, verifier, signer); the signer is for tests and local tools.
SCHEMES: dict[str, tuple[str, Callable[[str | None, bytes, str | None], bool], Callable[[str, bytes], str]]] = {
    "shopify": ("X-Shopify-Hmac-Sha256", verify_base64, sign_base64),
    "woocommerce": ("X-WC-Webhook-Signature", verify_base64, sign_base64),
    "easypost": ("X-Hmac-Signature", verify_easypost, sign_easypost),
    "aftership": ("aftership-hmac-sha256", verify_base64, sign_base64),
}
