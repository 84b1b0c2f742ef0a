"""Staff sign-in, shared by the staff hub and the dashboard. Roles: staff and manager."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from core.models import StaffUser
from core.services.access import authenticate
from portal.extensions import limiter, login_manager, shop

bp = Blueprint("auth", __name__, url_prefix="/staff")
F = TypeVar("F", bound=Callable[..., Any])


class StaffPrincipal(UserMixin):
    def __init__(self, user: StaffUser) -> None:
        self.id = str(user.id)
        self.email = user.email
        self.role = user.role

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


@login_manager.user_loader
def load_user(user_id: str) -> StaffPrincipal | None:
    if not user_id.isdigit():
        return None
    with shop().db.read() as session:
        user = session.get(StaffUser, int(user_id))
    return StaffPrincipal(user) if user is not None and user.active else None


login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."


def staff_required(view: F) -> F:
    return login_required(view)  # type: ignore[return-value]


def manager_required(view: F) -> F:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_manager:
            abort(403, description="This page is for managers.")
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _safe_next(target: str | None) -> str:
    if not target or urlsplit(target).netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("staff.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def login() -> str | Response:
    """Sign in with email and password."""
    if request.method == "POST":
        user = authenticate(shop(), request.form.get("email", "")[:254], request.form.get("password", "")[:200])
        if user is not None:
            login_user(StaffPrincipal(user))
            return redirect(_safe_next(request.args.get("next")))
        flash("That email and password do not match an account.", "error")
    return render_template("auth/login.html")


@bp.post("/logout")
def logout() -> Response:
    """Sign out."""
    logout_user()
    return redirect(url_for("auth.login"))
