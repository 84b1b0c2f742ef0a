"""Who is signed in: the staff principal, its loader, and the guards every staff page uses.

The sign-in page itself belongs to the portal (``portal.auth``), which names it as the login
manager's ``login_view``; features send people there through ``sign_in_url``.

What a signed-in member may do is the shop's permission table (``core.permissions``): the
services check it with the ``actor`` a view passes them, and ``permission_required`` refuses a
route's request before any work (a 403), so a refused role never sees a form error first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from flask import Flask, url_for
from flask_login import UserMixin, current_user, login_required

from core.events.fact import Actor
from core.models import StaffUser
from core.permissions import Permission
from web.extensions import login_manager, shop

F = TypeVar("F", bound=Callable[..., Any])


class StaffPrincipal(UserMixin):
    def __init__(self, user: StaffUser) -> None:
        self.id = str(user.id)
        self.email = user.email
        self.role = user.role

    @property
    def actor(self) -> Actor:
        """This member as the author of events (by email) and as the role the services check."""
        return Actor("staff", self.email, role=self.role)

    def may(self, permission: Permission | str) -> bool:
        """Whether this member's role has ``permission`` (templates pass its code)."""
        return shop().permissions.allows(self.role, Permission(permission))

    def may_all(self, permissions: Iterable[Permission]) -> bool:
        return all(self.may(permission) for permission in permissions)


def load_user(user_id: str) -> StaffPrincipal | None:
    """The session's staff member, while the account is still active."""
    if not user_id.isdigit():
        return None
    with shop().db.read() as session:
        user = session.get(StaffUser, int(user_id))
    return StaffPrincipal(user) if user is not None and user.active else None


def staff_required(view: F) -> F:
    """Any signed-in staff member (pages that read; every action names its permission)."""
    return login_required(view)  # type: ignore[return-value]


def require(permission: Permission) -> None:
    """Refuse the signed-in member (NotPermitted, a 403) unless their role has ``permission``."""
    shop().permissions.require(cast(StaffPrincipal, current_user).actor, permission)


def permission_required(permission: Permission) -> Callable[[F], F]:
    """Signed in, and a role with ``permission``; the view keeps it as ``.permission`` (tests read it)."""

    def guard(view: F) -> F:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            require(permission)
            return view(*args, **kwargs)

        checked.permission = permission  # type: ignore[attr-defined]
        return login_required(checked)  # type: ignore[return-value]

    return guard


def sign_in_url(next_path: str) -> str:
    """The staff sign-in page, coming back to ``next_path`` afterwards."""
    return url_for(str(login_manager.login_view), next=next_path)


def _lazy_user() -> dict[str, Any]:
    """Templates get the proxy: the member is loaded only by a template that asks (staff pages).

    Flask-Login's own processor loads the user, and hashes the client's identifier, for every
    rendered template, public pages included, that never show who is signed in.
    """
    return {"current_user": current_user}


def init_app(app: Flask) -> None:
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(_lazy_user)
    login_manager.user_loader(load_user)
    login_manager.login_message = "Please sign in to continue."
