"""The shop's settings page: branding, support contact, return address and policy, hold threshold (managers).

A plain form that htmx enhances: refused values come back as the form with each field's message (422,
nothing saved); a save redirects to the page, which lists it among the recent changes."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from core.permissions import Permission
from core.queries.settings import recent_changes
from core.services.settings import change_settings
from core.settings import BY_KEY, SETTINGS, InvalidSettings, ShopSettings
from portal.staff import bp
from web.auth import permission_required
from web.extensions import shop
from web.rendering import is_htmx, page
from web.shop_settings import settings

FIXED = frozenset({"currency"})  # chosen once by ``flask setup``: orders and prices are in it
EDITABLE = tuple(s for s in SETTINGS if s.key not in FIXED)
# A box sends a hidden "no" before itself, so an unticked box still says so; a ticked one's "yes" comes last.
CHECKBOXES = frozenset({"returns_auto_approve"})


def _form(values: Mapping[str, str], errors: Mapping[str, str], status: int = 200) -> tuple[str, int]:
    with shop().db.read() as session:
        changes = recent_changes(session)
    groups: dict[str, list[object]] = {}
    for setting in EDITABLE:
        groups.setdefault(setting.group, []).append(setting)
    context = {"groups": groups, "values": values, "errors": errors, "changes": changes, "labels": BY_KEY}
    return page("staff/settings.html", "settings", **context, current=settings()), status


def _shown(current: ShopSettings) -> dict[str, str]:
    return {s.key: current.value_text(s.key) for s in SETTINGS}


def _posted(form: MultiDict[str, str]) -> dict[str, str]:
    """The settings the form sent (a setting it leaves out keeps its value)."""
    return {s.key: form.getlist(s.key)[-1] for s in EDITABLE if s.key in form}


@bp.get("/settings")
@permission_required(Permission.SETTINGS_MANAGE)
def shop_settings() -> tuple[str, int]:
    """The settings form with the current values, and who changed what lately."""
    return _form(_shown(settings()), {})


@bp.post("/settings")
@permission_required(Permission.SETTINGS_MANAGE)
def save_shop_settings() -> Response | tuple[str, int]:
    """Save the form: every value checked first; one refused value saves none (422, each field says why)."""
    posted = _posted(request.form)
    try:
        changes = change_settings(shop(), current_user.actor, posted)
    except InvalidSettings as refused:
        return _form(posted, refused.errors, 422)
    flash(f"Saved: {', '.join(BY_KEY[k].label for k in changes)}." if changes else "Nothing changed.", "success")
    if is_htmx():  # the form again, with the saved values and the message
        return _form(_shown(settings()), {})
    return redirect(url_for("staff.shop_settings"), code=303)
