"""The staff order hub."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.auth import staff_required

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@staff_required
def index() -> str:
    """The order hub's home: queues and search."""
    return render_template("staff/index.html")
