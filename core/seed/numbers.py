"""Order numbers, tracking numbers and RMAs that look random, are unique, and depend only on the seed.

Each number is a keyed permutation of the row id: a small Feistel network over the bits the
number space needs, walked until the value falls inside it. Distinct ids can never collide, so no
lookup is needed at a million orders, and consecutive ids give unrelated-looking numbers.
"""

from __future__ import annotations

import random
import string

_RMA_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"  # as core.services.common
_ACCOUNT = string.ascii_uppercase + string.digits


class _Permutation:
    """A bijection on ``range(modulus)``: an unbalanced Feistel network on exactly the bits the
    modulus needs (so fewer than two tries on average), cycle-walked into range."""

    def __init__(self, rng: random.Random, modulus: int) -> None:
        self.modulus = modulus
        bits = max((modulus - 1).bit_length(), 2)
        self.low = bits // 2
        self.low_mask, self.high_mask = (1 << self.low) - 1, (1 << (bits - self.low)) - 1
        self.keys = [rng.getrandbits(32) | 1 for _ in range(4)]

    def _once(self, value: int) -> int:
        high, low = value >> self.low, value & self.low_mask
        k1, k2, k3, k4 = self.keys
        # Each half-round changes one side from the other: every step can be undone, so it is a bijection.
        high ^= (((low ^ k1) * 0x9E3779B1) >> 7) & self.high_mask
        low ^= (((high ^ k2) * 0x85EBCA6B) >> 7) & self.low_mask
        high ^= (((low ^ k3) * 0xC2B2AE35) >> 7) & self.high_mask
        low ^= (((high ^ k4) * 0x27D4EB2F) >> 7) & self.low_mask
        return (high << self.low) | low

    def __call__(self, value: int) -> int:
        value = self._once(value % self.modulus)
        while value >= self.modulus:  # the walk ends: the start value is on the same cycle
            value = self._once(value)
        return value


class Numbers:
    """All the human-facing identifiers of one seeded history."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"shiplog-numbers-{seed}")
        self._order = _Permutation(rng, 90_000_000)
        self._digits = {size: _Permutation(rng, 10**size) for size in (8, 9, 11, 17)}
        self._rma = _Permutation(rng, 32**8)
        self._ups_account = "".join(rng.choice(_ACCOUNT) for _ in range(6))
        self.source_base = rng.randrange(1000, 9000) * 1000

    def order_number(self, order_id: int) -> str:
        return f"SL{10_000_000 + self._order(order_id)}"

    def tracking_number(self, carrier: str, shipment_id: int, service_index: int = 0) -> str:
        """Carrier-shaped numbers: UPS ``1Z…``, USPS 22 digits, FedEx 12 digits, DHL 10 digits."""
        if carrier == "ups":
            return f"1Z{self._ups_account}{('03', '02')[service_index % 2]}{self._digits[8](shipment_id):08d}"
        if carrier == "fedex":
            return f"7{self._digits[11](shipment_id):011d}"
        if carrier == "dhl":
            return f"1{self._digits[9](shipment_id):09d}"
        return f"94001{self._digits[17](shipment_id):017d}"

    def return_tracking_number(self, return_id: int) -> str:
        """Prepaid USPS return labels: a different prefix from outbound parcels."""
        return f"92021{self._digits[17](return_id):017d}"

    def rma(self, return_id: int) -> str:
        value = self._rma(return_id)
        chars = []
        for _ in range(8):
            value, digit = divmod(value, 32)
            chars.append(_RMA_ALPHABET[digit])
        return "RMA-" + "".join(chars)

    def source_ref(self, channel: str, order_id: int) -> str | None:
        """The store's own order id for imported orders; web and API orders have none."""
        if channel == "shopify":
            return str(5_000_000_000 + self.source_base + order_id)
        if channel == "woocommerce":
            return str(self.source_base // 10 + order_id)
        return None


def hex_reference(rng: random.Random, prefix: str) -> str:
    return f"{prefix}{rng.getrandbits(64):016x}"
