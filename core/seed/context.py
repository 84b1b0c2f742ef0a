"""What every generator step needs: ids, numbers, time stamps, the recorder, stock and policies."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.policies import HoldPolicy, ReturnPolicy
from core.seed.numbers import Numbers
from core.seed.plans import Actor
from core.seed.recorder import Recorder
from core.seed.stamps import Stamps
from core.seed.stock import StockLedger
from core.seed.tables import COLUMNS


class Ids:
    """Primary keys handed out in insert order, so rows can reference each other before insert."""

    def __init__(self, start: dict[str, int] | None = None) -> None:
        self._last = dict.fromkeys(COLUMNS, 0) | (start or {})

    def __call__(self, table: str) -> int:
        value = self._last[table] + 1
        self._last[table] = value
        return value

    def block(self, table: str, size: int) -> int:
        """Reserve ``size`` consecutive ids; returns the first."""
        first = self._last[table] + 1
        self._last[table] += size
        return first

    def last(self) -> dict[str, int]:
        return dict(self._last)


@dataclass
class Context:
    ids: Ids
    numbers: Numbers
    stamps: Stamps
    recorder: Recorder
    ledger: StockLedger
    staff: Actor
    manager: Actor
    now: int
    currency: str = "USD"
    hold_policy: HoldPolicy = field(default_factory=HoldPolicy)
    return_policy: ReturnPolicy = field(default_factory=ReturnPolicy)
