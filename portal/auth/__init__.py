"""Staff sign-in and sign-out pages, shared by the staff hub and the dashboard. Roles: staff and manager."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from core.services.access import authenticate
from web.auth import StaffPrincipal
from web.extensions import limiter, login_manager, shop

bp = Blueprint("auth", __name__, url_prefix="/staff", template_folder="templates")
login_manager.login_view = "auth.login"


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
