"""Colour contrast as WCAG 2.2 measures it, and the nearest accessible colour: pure functions, no Flask.

The shop's colours come from configuration (``SHOP_PRIMARY_COLOR``, ``SHOP_ACCENT_COLOR``) and are drawn
on backgrounds the shop does not choose: ``core.settings`` checks them on the settings page,
``web.assets`` at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
TEXT = 4.5  # SC 1.4.3, normal-size text
STEP = 0.02  # how far each try moves toward black or white


def parse(value: str) -> tuple[int, int, int] | None:
    """``#abc`` or ``#aabbcc`` as red, green, blue; anything else is None."""
    found = HEX.fullmatch(value.strip())
    if found is None:
        return None
    digits = found.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def luminance(color: str) -> float:
    """Relative luminance, 0 for black to 1 for white."""
    rgb = parse(color)
    if rgb is None:
        raise ValueError(f"not a hex colour: {color!r}")
    linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(one: str, other: str) -> float:
    """The contrast ratio, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _mix(rgb: tuple[int, int, int], target: int, share: float) -> str:
    return to_hex([c + (target - c) * share for c in rgb])


def accessible(color: str, against: Sequence[str], minimum: float = TEXT) -> str:
    """``color`` if it reaches ``minimum`` against every colour of ``against``; else the first mix of it
    with black (or with white, when what it must stand out from is dark) that does."""
    rgb = parse(color)
    if rgb is None:
        raise ValueError(f"not a hex colour: {color!r}")
    target = 0 if sum(luminance(c) for c in against) / len(against) > 0.18 else 255
    share, candidate = 0.0, to_hex(rgb)
    while share < 1 and min(ratio(candidate, c) for c in against) < minimum:
        share = min(1.0, share + STEP)
        candidate = _mix(rgb, target, share)
    return candidate


@dataclass(frozen=True)
class Finding:
    """A configured colour that fell short, and what is used instead."""

    setting: str
    configured: str
    against: str
    ratio: float
    minimum: float
    used: str

    def __str__(self) -> str:
        return (
            f"{self.setting} {self.configured} has a contrast of {self.ratio:.2f}:1 against {self.against} "
            f"(WCAG AA needs {self.minimum}:1); using {self.used} instead"
        )


def check(setting: str, color: str, against: Sequence[str], minimum: float = TEXT) -> tuple[str, Finding | None]:
    """The colour to use for ``setting`` and, when it is not the configured one, why."""
    used = accessible(color, against, minimum)
    if used == to_hex(parse(color) or (0, 0, 0)):
        return color, None
    worst = min(against, key=lambda c: ratio(color, c))
    return used, Finding(setting, color, worst, ratio(color, worst), minimum, used)
