"""Password hashes: the standard library's scrypt, readable by and from werkzeug's format."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from core.passwords import check_password, hash_password


def test_a_hash_checks_its_own_password_and_no_other() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("scrypt:32768:8:1$")
    assert check_password(stored, "correct horse battery")
    assert not check_password(stored, "correct horse batterY")


def test_hashes_already_stored_by_werkzeug_still_check() -> None:
    for method in ("scrypt", "pbkdf2:sha256:1000"):
        stored = generate_password_hash("shiplog-demo", method=method)
        assert check_password(stored, "shiplog-demo")
        assert not check_password(stored, "shiplog-demo!")


def test_werkzeug_reads_the_hashes_core_writes() -> None:
    assert check_password_hash(hash_password("shiplog-demo"), "shiplog-demo")


def test_a_malformed_hash_matches_nothing() -> None:
    for stored in ("", "plain", "scrypt$salt", "md5$salt$abc", "scrypt:x:y:z$salt$abc"):
        assert not check_password(stored, "anything")
