"""The shop's settings as the running app reads them: the stored ones over the environment's defaults,
through the database (``core.shop.StoredSettings``), so a manager's change reaches every worker and every
process (web, notifications, tracking pages) without a restart, within ``SETTINGS_CACHE_SECONDS``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from core.db import Database
from core.settings import ShopSettings, check_defaults, defaults_from
from core.shop import FixedSettings, SettingsSource, Shop, StoredSettings

KEY = "shiplog.settings"
log = logging.getLogger("shiplog.settings")


def stored(config: Mapping[str, Any], db: Database) -> StoredSettings:
    """The reader of an app's settings: its configuration gives the defaults of what is unset."""
    for problem in check_defaults(config):
        log.warning("%s", problem)
    return StoredSettings(db, defaults_from(config), float(config.get("SETTINGS_CACHE_SECONDS", 5.0)))


def bind(app: Flask, shop: Shop) -> None:
    """This app reads its settings with its own defaults; a shop handed in (tests) follows them too."""
    reader = shop.settings if isinstance(shop.settings, StoredSettings) else stored(app.config, shop.db)
    shop.settings = reader
    app.extensions[KEY] = reader
    app.add_template_global(settings, "shop_settings")


def settings(app: Flask | None = None) -> ShopSettings:
    """The running app's settings, as of at most ``SETTINGS_CACHE_SECONDS`` ago (a change made here: now)."""
    chosen = app or current_app
    found: SettingsSource | None = chosen.extensions.get(KEY)
    if found is None:  # an app without a shop (unit tests of the web base): its configuration's values
        found = chosen.extensions[KEY] = FixedSettings(defaults_from(chosen.config))
    return found.current()
