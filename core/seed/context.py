"""What every step of the seed's play needs: numbers, the unit, the catalogue, actors and policies."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.events.fact import Actor
from core.policies import HoldPolicy, ReturnPolicy
from core.seed.catalog import Catalogue
from core.seed.numbers import Numbers
from core.seed.unit import SeedUnit


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
