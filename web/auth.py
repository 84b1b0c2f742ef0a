"""Who is signed in: the staff principal, its loader, and the guard every staff page uses.

The sign-in page itself belongs to the portal (``portal.auth``), which names it as the login
manager's ``login_view``; features send people there through ``sign_in_url``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, url_for
from flask_login import UserMixin, login_required

from core.models import StaffUser
from web.extensions import login_manager, shop

F = TypeVar("F", bound=Callable[..., Any])


class StaffPrincipal(UserMixin):
    def __init__(self, user: StaffUser) -> None:
        self.id = str(user.id)
        self.email = user.email
        self.role = user.role

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def load_user(user_id: str) -> StaffPrincipal | None:
    """The session's staff member, while the account is still active."""
    if not user_id.isdigit():
        return None
    with shop().db.read() as session:
        user = session.get(StaffUser, int(user_id))
    return StaffPrincipal(user) if user is not None and user.active else None


def staff_required(view: F) -> F:
    return login_required(view)  # type: ignore[return-value]


def sign_in_url(next_path: str) -> str:
    """The staff sign-in page, coming back to ``next_path`` afterwards."""
    return url_for(str(login_manager.login_view), next=next_path)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_message = "Please sign in to continue."
