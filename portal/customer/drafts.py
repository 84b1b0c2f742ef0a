"""A return being chosen, kept in the browser's session between "Review" and "Confirm".

The review step is a page of its own (post, redirect, get), so Back and Reload always ask the
server, which knows whether the return was confirmed meanwhile. Each draft carries the form's
token: one token per order per browser session, so two tabs or a double submit make one return,
and a token that already made a return is replaced, so a later return can be made.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import session

KEY = "return_drafts"
KEPT = 10  # orders with a draft per browser session
# The session is a cookie: a draft with very long notes is not kept, and its review is shown at once.
MAX_DRAFT_CHARS = 2500


@dataclass(frozen=True)
class Draft:
    client_token: str
    form: dict[str, str] = field(default_factory=dict)  # the chosen fields, empty before a review


def _all() -> dict[str, dict[str, object]]:
    found = session.get(KEY)
    return dict(found) if isinstance(found, dict) else {}


def current(order_id: int) -> Draft | None:
    kept = _all().get(str(order_id))
    if not isinstance(kept, dict) or not isinstance(kept.get("ct"), str):
        return None
    form = kept.get("form")
    return Draft(str(kept["ct"]), dict(form) if isinstance(form, dict) else {})


def _store(order_id: int, draft: Draft) -> None:
    drafts = _all()
    drafts.pop(str(order_id), None)
    drafts = dict(list(drafts.items())[-(KEPT - 1) :]) | {str(order_id): {"ct": draft.client_token, "form": draft.form}}
    session[KEY] = drafts


def start(order_id: int, used: bool) -> Draft:
    """This order's draft, or a fresh one when there is none or its token ``used`` (made a return)."""
    found = current(order_id)
    if found is None or used:
        found = Draft(secrets.token_urlsafe(24))
        _store(order_id, found)
    return found


def keep(order_id: int, client_token: str, form: Mapping[str, str]) -> bool:
    """Remember the chosen fields for the review page; False when they are too long to keep."""
    chosen = {name: value for name, value in form.items() if name != "csrf_token" and value}
    if len(json.dumps(chosen)) > MAX_DRAFT_CHARS:
        return False
    _store(order_id, Draft(client_token, chosen))
    return True
