"""Colour contrast as WCAG measures it, and the nearest accessible colour for a shop colour that falls short."""

from __future__ import annotations

import pytest

from core import contrast


def test_ratio_matches_wcag_reference_values() -> None:
    assert contrast.ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast.ratio("#fff", "#ffffff") == pytest.approx(1.0)
    assert contrast.ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white
    assert contrast.ratio("#ffffff", "#767676") == contrast.ratio("#767676", "#ffffff")


@pytest.mark.parametrize("value", ["red", "#12", "#1234567", "1f4f82", "#ggg", "#1f4f82;}body{"])
def test_only_hex_colours_parse(value: str) -> None:
    assert contrast.parse(value) is None


def test_short_and_long_hex_are_the_same_colour() -> None:
    assert contrast.parse("#fc0") == contrast.parse(" #FFCC00 ") == (255, 204, 0)


def test_a_colour_that_passes_is_kept() -> None:
    assert contrast.accessible("#1f4f82", ["#ffffff", "#f4f6f9"]) == "#1f4f82"
    assert contrast.check("SHOP_PRIMARY_COLOR", "#1f4f82", ["#ffffff"]) == ("#1f4f82", None)


def test_a_light_brand_is_darkened_just_enough_for_text_on_white() -> None:
    used = contrast.accessible("#ffcc00", ["#ffffff", "#f4f6f9"])
    assert min(contrast.ratio(used, "#ffffff"), contrast.ratio(used, "#f4f6f9")) >= 4.5
    assert contrast.luminance(used) < contrast.luminance("#ffcc00")
    one_step_less = contrast._mix((255, 204, 0), 0, _share(used, (255, 204, 0)) - contrast.STEP)
    assert contrast.ratio(one_step_less, "#f4f6f9") < 4.5  # the first mix that passes, not a needlessly dark one


def test_an_accent_behind_dark_text_is_lightened() -> None:
    used = contrast.accessible("#4a3b00", ["#111827"])
    assert contrast.ratio(used, "#111827") >= 4.5
    assert contrast.luminance(used) > contrast.luminance("#4a3b00")


def test_the_finding_names_the_setting_the_colour_and_its_ratio() -> None:
    used, finding = contrast.check("SHOP_PRIMARY_COLOR", "#ffcc00", ["#ffffff", "#f4f6f9"])
    assert finding is not None
    assert finding.used == used
    assert finding.against == "#f4f6f9"  # the worse of the two backgrounds
    assert str(finding).startswith("SHOP_PRIMARY_COLOR #ffcc00 has a contrast of 1.4")
    assert f"needs 4.5:1); using {used} instead" in str(finding)


def test_white_on_white_becomes_the_first_grey_that_reads() -> None:
    used = contrast.accessible("#ffffff", ["#ffffff"])
    assert used == "#757575"
    assert contrast.ratio(used, "#ffffff") >= 4.5 > contrast.ratio("#7a7a7a", "#ffffff")


def test_unparseable_colours_are_refused() -> None:
    with pytest.raises(ValueError, match="not a hex colour"):
        contrast.accessible("blue", ["#ffffff"])


def _share(mixed: str, rgb: tuple[int, int, int]) -> float:
    """How far toward black ``mixed`` is from ``rgb`` (by its red channel, the largest)."""
    red = contrast.parse(mixed)[0]  # type: ignore[index]
    return round((rgb[0] - red) / rgb[0] / contrast.STEP) * contrast.STEP
