"""The staff order hub: queues and search, the order page and its actions, bulk tools."""

from __future__ import annotations

from flask import Blueprint, request

from core.errors import ValidationFailed
from core.queries import staff as queries
from portal.staff import forms
from web.auth import staff_required
from web.extensions import shop
from web.rendering import page

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates", static_folder="static")


@bp.get("/")
@staff_required
def index() -> tuple[str, int]:
    """The order hub's home: queues and search (400, with the reason, for a search that cannot match)."""
    try:
        term, error = forms.search_term(request.args), None
    except ValidationFailed as refused:
        term, error = "", refused
    queue = request.args.get("queue", "")
    if queue not in queries.QUEUES:
        queue = "" if term or error else "on_hold"
    with shop().db.read() as session:
        counts = queries.queue_counts(session)
        rows = queries.search(session, term) if term else queries.queue(session, queue) if queue else []
    context = {"term": term, "queue": queue, "queues": queries.QUEUES, "counts": counts, "rows": rows, "error": error}
    return page("staff/index.html", "results", **context), 400 if error else 200


from portal.staff import money_log, orders, tools  # noqa: E402,F401  (registers the routes)
