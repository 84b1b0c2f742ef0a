"""Adapters are built here, once, from configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.db import Database
from core.payments import FakeGateway
from core.policies import HoldPolicy, ReturnPolicy
from core.shop import Shop


def build_shop(config: Mapping[str, Any]) -> Shop:
    return Shop(
        db=Database(config["DATABASE_URL"]),
        gateway=FakeGateway(),
        hold_policy=HoldPolicy(fraud_score_threshold=config["FRAUD_SCORE_THRESHOLD"]),
        return_policy=ReturnPolicy(
            window_days=config["RETURN_WINDOW_DAYS"],
            restocking_fee_bps=config["RESTOCKING_FEE_BPS"],
            auto_approve=config["RETURNS_AUTO_APPROVE"],
        ),
    )
