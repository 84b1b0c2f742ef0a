"""Password hashes with the standard library, in the format staff accounts already store.

The format is ``method$salt$hex``, as werkzeug writes it: ``scrypt:N:r:p`` for new hashes,
and ``pbkdf2:<hash>:<iterations>`` still accepted for older ones.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from functools import cache

SCRYPT = (32768, 8, 1)  # N, r, p: about 64 MiB and 50 ms per check
_SALT_CHARS = string.ascii_letters + string.digits


def _scrypt(password: str, salt: str, n: int, r: int, p: int) -> str:
    derived = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p, dklen=64)
    return derived.hex()


def _pbkdf2(password: str, salt: str, name: str, iterations: int) -> str:
    return hashlib.pbkdf2_hmac(name, password.encode(), salt.encode(), iterations).hex()


def hash_password(password: str) -> str:
    salt = "".join(secrets.choice(_SALT_CHARS) for _ in range(16))
    n, r, p = SCRYPT
    return f"scrypt:{n}:{r}:{p}${salt}${_scrypt(password, salt, n, r, p)}"


def _expected(method: str, salt: str, password: str) -> str | None:
    name, *params = method.split(":")
    try:
        if name == "scrypt":
            n, r, p = (int(x) for x in params) if params else SCRYPT
            return _scrypt(password, salt, n, r, p)
        if name == "pbkdf2":
            digest = params[0] if params else "sha256"
            return _pbkdf2(password, salt, digest, int(params[1]) if len(params) > 1 else 600_000)
    except (ValueError, TypeError):
        return None
    return None


def check_password(stored: str, password: str) -> bool:
    """Does ``password`` match ``stored``? A malformed hash matches nothing."""
    if stored.count("$") < 2:
        return False
    method, salt, hashed = stored.split("$", 2)
    expected = _expected(method, salt, password)
    return expected is not None and hmac.compare_digest(expected, hashed)


@cache
def decoy() -> str:
    """A hash to check when there is no account: the answer takes as long either way."""
    return hash_password(secrets.token_urlsafe(16))
