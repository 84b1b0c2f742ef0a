"""Seeded identifiers: unique by construction, shaped like the real thing, stable for a seed."""

from __future__ import annotations

import random

from core.seed.numbers import Numbers, _Permutation


def test_permutation_is_a_bijection() -> None:
    for modulus in (1_000, 90_000, 32**3):
        permute = _Permutation(random.Random(modulus), modulus)
        assert sorted(permute(i) for i in range(modulus)) == list(range(modulus))


def test_numbers_look_like_carriers_and_repeat_for_the_same_seed() -> None:
    one, again, other = Numbers(7), Numbers(7), Numbers(8)
    orders = [one.order_number(i) for i in range(1, 2_001)]
    assert len(set(orders)) == 2_000
    assert all(n.startswith("SL") and len(n) == 10 for n in orders)
    assert orders == [again.order_number(i) for i in range(1, 2_001)]
    assert orders[:5] != [other.order_number(i) for i in range(1, 6)]
    assert one.tracking_number("ups", 5).startswith("1Z")
    assert len(one.tracking_number("ups", 5)) == 18
    assert len(one.tracking_number("usps", 5)) == 22
    assert len(one.tracking_number("fedex", 5)) == 12
    assert len(one.tracking_number("dhl", 5)) == 10
    rmas = {one.rma(i) for i in range(1, 1_001)}
    assert len(rmas) == 1_000
    assert all(r.startswith("RMA-") and len(r) == 12 for r in rmas)
