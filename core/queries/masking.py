"""Masking personal data for pages that show an order: enough to recognise, not enough to reuse."""

from __future__ import annotations


def _stars(word: str) -> str:
    return word[:1] + "•" * min(max(len(word) - 1, 1), 6) if word else ""


def mask_name(name: str) -> str:
    """ "Ada Lovelace" -> "A•• L••••••": initials plus the shape of the name."""
    return " ".join(_stars(part) for part in name.split())


def mask_street(line: str) -> str:
    """Keep the house number, hide the street: "12 Analytical Way" -> "12 A•••••• W••"."""
    parts = line.split()
    return " ".join(part if part.isdigit() and len(part) <= 5 else _stars(part) for part in parts)


def mask_postal(code: str) -> str:
    return code[:2] + "•" * max(len(code) - 2, 1) if code else ""


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{_stars(local)}@{domain}" if domain else _stars(local)


def mask_phone(phone: str | None) -> str:
    """Only the last two digits: "+15555550123" -> "•••••••23"."""
    if not phone:
        return ""
    return "•" * 7 + phone[-2:]
