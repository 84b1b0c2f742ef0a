"""What services need from the outside world, built once from configuration."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.db import Database
from core.payments import FakeGateway, PaymentGateway
from core.permissions import PermissionTable
from core.policies import HoldPolicy, PaymentPolicy, ReturnPolicy
from core.risk import RiskPolicy


@dataclass
class Shop:
    db: Database
    gateway: PaymentGateway = field(default_factory=FakeGateway)
    hold_policy: HoldPolicy = field(default_factory=HoldPolicy)
    risk_policy: RiskPolicy = field(default_factory=RiskPolicy)
    return_policy: ReturnPolicy = field(default_factory=ReturnPolicy)
    payment_policy: PaymentPolicy = field(default_factory=PaymentPolicy)
    permissions: PermissionTable = field(default_factory=PermissionTable)
    currency: str = "USD"
