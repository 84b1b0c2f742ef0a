"""What every step of the seed's play needs: ids, numbers, the unit, the catalogue, actors and policies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.events.fact import Actor
from core.policies import HoldPolicy, ReturnPolicy
from core.seed.catalog import Catalogue
from core.seed.numbers import Numbers
from core.seed.records import BY_TABLE

if TYPE_CHECKING:
    from core.seed.unit import SeedUnit


class Ids:
    """Primary keys handed out in insert order, so rows can reference each other before insert."""

    def __init__(self, start: dict[str, int] | None = None) -> None:
        self._last = dict.fromkeys(BY_TABLE, 0) | (start or {})

    def __call__(self, table: str) -> int:
        value = self._last[table] + 1
        self._last[table] = value
        return value

    def peek(self, table: str) -> int:
        return self._last[table] + 1

    def last(self) -> dict[str, int]:
        return dict(self._last)


@dataclass
class Context:
    numbers: Numbers
    unit: SeedUnit
    catalogue: Catalogue
    staff: Actor
    manager: Actor
    now: int
    currency: str = "USD"
    hold_policy: HoldPolicy = field(default_factory=HoldPolicy)
    return_policy: ReturnPolicy = field(default_factory=ReturnPolicy)
