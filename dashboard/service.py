"""The dashboard's one query: the KPI bundle for the request's filters, as this user may see it.

Web processes only read the shared analytics store (``ANALYTICS_STORE``), kept current by
``flask analytics sync`` or its RQ job; nothing here builds or refreshes it, so no request waits for
a rebuild. Until the first version is published, ``StoreNotReady`` says so.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from flask_login import current_user

from core.analytics import Filters, StoreNotReady, StoreReader, parse_filters, without_money
from core.analytics.views import LocalAnalytics, SharedAnalytics, ViewPending
from core.permissions import Permission
from web.analytics_jobs import views_nudge
from web.extensions import shop
from web.times import shop_time, stamp

_KEY = "shiplog.kpis"
_build_lock = threading.Lock()


def analytics(app: Flask | None = None) -> LocalAnalytics | SharedAnalytics:
    """Where this app's figures come from: the analytics process's answers (``ANALYTICS_VIEWS=shared``,
    the default: a worker never runs the queries) or this process (``local``: tests, one-process runs)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_KEY)
    if found is None:
        with _build_lock:
            found = app.extensions.get(_KEY)
            if found is None:
                found = _build(app.config)
                app.extensions[_KEY] = found
    return found


def _build(config: Mapping[str, Any]) -> LocalAnalytics | SharedAnalytics:
    root = config["ANALYTICS_STORE"]
    mode = config.get("ANALYTICS_VIEWS", "shared")
    if mode == "local":
        return LocalAnalytics(StoreReader(root))
    nudge = views_nudge(config["REDIS_URL"], root) if mode == "queue" else None
    return SharedAnalytics(root, wait=float(config.get("ANALYTICS_VIEW_WAIT_SECONDS", 20)), nudge=nudge)


def preparing_text(error: StoreNotReady) -> str:
    """What a viewer reads while the first sync runs, or while the analytics process works on a view."""
    if isinstance(error, ViewPending):
        return "These figures are still being computed by the analytics process. Reload the page in a moment."
    since = f" (the sync started {stamp(error.started_at)})" if error.started_at else ""
    return f"Analytics are being prepared{since}. This page fills in once the first copy is published."


def as_of_text(as_of: str | None) -> str:
    """ "Data as of 14:03 EST": the newest event the figures include, on the shop's clock."""
    if not as_of:
        return "No events yet."
    return f"Data as of {shop_time(datetime.fromisoformat(as_of)).strftime('%H:%M %Z')}"


def sees_money() -> bool:
    """Whether the signed-in member's role has ``money.reports`` (managers, unless the shop says otherwise)."""
    may = getattr(current_user, "may", None)
    return bool(may is not None and may(Permission.MONEY_REPORTS))


def filters_from(args: Mapping[str, str]) -> Filters:
    """Parse the filters; the return window defaults to the shop's policy, days are the shop's."""
    zone_name = current_app.config.get("SHOP_TIMEZONE") or "UTC"
    return parse_filters(args, window_days=shop().return_policy.window_days, timezone=zone_name)


def bundle_for(filters: Filters) -> dict[str, Any]:
    """Every KPI for the filters; staff who are not managers get it without money."""
    bundle = analytics().bundle(filters)
    return bundle if sees_money() else without_money(bundle)


def dimension_values() -> dict[str, list[str]]:
    """Channels, carriers and SKUs present in the data, for the filter drop-downs."""
    try:
        return analytics().dimensions()
    except StoreNotReady:
        return {"channel": [], "carrier": [], "product": []}
