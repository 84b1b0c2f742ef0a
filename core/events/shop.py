"""Typed constructors of the shop's own events: facts about the shop, not about an order."""

from __future__ import annotations

from core.events.fact import Fact


def settings_changed(*, changes: dict[str, list[str]]) -> Fact:
    """``changes``: setting key -> [old, new], each as the settings page shows it ("" for unset)."""
    keys = ", ".join(sorted(changes))
    return Fact("settings.changed", {"changes": changes, "keys": keys})
