"""What services need from the outside world, built once from configuration, and the shop's settings,
read through the database so that every process sees a manager's change (``core.settings``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any, Protocol

from core.db import Database
from core.payments import FakeGateway, PaymentGateway
from core.permissions import PermissionTable
from core.policies import HoldPolicy, PaymentPolicy, ReturnPolicy
from core.queries.settings import settings_version, stored_settings
from core.risk import RiskPolicy
from core.settings import DEFAULTS, ShopSettings, from_rows


class SettingsSource(Protocol):
    def current(self) -> ShopSettings: ...


class FixedSettings:
    """Settings that never change (a Shop built by hand: tests, benches, the seed)."""

    def __init__(self, settings: ShopSettings = DEFAULTS) -> None:
        self.settings = settings

    def current(self) -> ShopSettings:
        return self.settings


class StoredSettings:
    """The stored settings over the install's defaults, cached for ``ttl_seconds`` and then kept only while
    the table's version is unchanged: a change made in any worker reaches every other one within the TTL, for
    one small read per TTL per process. A change made through this object is seen at once (``forget``)."""

    def __init__(self, db: Database, defaults: ShopSettings = DEFAULTS, ttl_seconds: float = 5.0) -> None:
        self.db, self.defaults, self.ttl_seconds = db, defaults, ttl_seconds
        self._cached: tuple[float, int, ShopSettings] | None = None  # (checked at, version, settings)
        self._lock = threading.Lock()

    def current(self) -> ShopSettings:
        now, cached = time.monotonic(), self._cached
        if cached is not None and now - cached[0] < self.ttl_seconds:
            return cached[2]
        with self.db.read() as session:
            if cached is not None and settings_version(session) == cached[1]:
                fresh = (now, cached[1], cached[2])
            else:
                version, rows = stored_settings(session)
                fresh = (now, version, from_rows(self.defaults, rows))
        with self._lock:
            self._cached = fresh
        return fresh[2]

    def forget(self) -> None:
        with self._lock:
            self._cached = None


class Shop:
    """The database, the card gateway, the policies (the risk scorer's rules among them) and the permission table. The return and hold policies
    follow the settings unless a caller pins one (``shop.return_policy = ...``: tests, the demo's history)."""

    def __init__(
        self,
        db: Database,
        gateway: PaymentGateway | None = None,
        *,
        hold_policy: HoldPolicy | None = None,
        return_policy: ReturnPolicy | None = None,
        payment_policy: PaymentPolicy | None = None,
        risk_policy: RiskPolicy | None = None,
        permissions: PermissionTable | None = None,
        settings: SettingsSource | None = None,
        store_secrets: Mapping[str, str] | None = None,
        store_http: Mapping[str, Any] | None = None,
    ) -> None:
        self.db = db
        self.gateway: PaymentGateway = gateway or FakeGateway()
        self.risk_policy = risk_policy or RiskPolicy()
        self.payment_policy = payment_policy or PaymentPolicy()
        self.permissions = permissions or PermissionTable()
        self.settings: SettingsSource = settings or FixedSettings()
        self._hold_policy, self._return_policy = hold_policy, return_policy
        # The connected stores' API credentials by their environment names (never stored in the database):
        # ``store_connections.access`` joins them to the stored connection, the one source of every store call.
        self.store_secrets: Mapping[str, str] = store_secrets or {}
        self.store_http: Mapping[str, Any] = (
            store_http or {}
        )  # ``store_http.Client`` options: tests make retries instant

    @property
    def hold_policy(self) -> HoldPolicy:
        return self._hold_policy or self.settings.current().hold_policy()

    @hold_policy.setter
    def hold_policy(self, policy: HoldPolicy | None) -> None:
        self._hold_policy = policy

    @property
    def return_policy(self) -> ReturnPolicy:
        return self._return_policy or self.settings.current().return_policy()

    @return_policy.setter
    def return_policy(self, policy: ReturnPolicy | None) -> None:
        self._return_policy = policy

    @property
    def currency(self) -> str:
        return self.settings.current().currency
