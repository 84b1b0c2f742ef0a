"""One KPI's identity: key, label, unit, which way is good, definition and basis (``definitions.KPIS``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str
    up_is_good: bool | None  # None: neither direction is good or bad in itself
    definition: str
    # What the number counts over, in a manager's words ("orders placed in the period"): shown beside
    # the label in cards, charts, CSV and JSON so two numbers with different bases are never compared.
    basis: str = ""

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    @property
    def is_money(self) -> bool:
        return self.unit == "minor"
