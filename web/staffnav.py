"""The staff frame's navigation: each feature adds its pages, the frame (``staff/_layout.html``) draws them.

The web base owns the frame that every staff page shares (the hub, the mailbox, undelivered messages,
the dashboard's way back), but knows no feature: each names its own links in its ``init_app``, with
the permission a role needs to see it, so a link is drawn only for the roles that may open the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from core.permissions import Permission

_KEY = "shiplog.staff_nav"


@dataclass(frozen=True)
class NavLink:
    label: str  # the page's one name: its title and heading say the same
    endpoint: str  # a Flask endpoint, or a path starting with "/" (the Dash app has no endpoint)
    position: int  # left to right
    permission: Permission | None = None  # None: any signed-in member

    @property
    def url(self) -> str:
        return self.endpoint if self.endpoint.startswith("/") else url_for(self.endpoint)

    @property
    def current(self) -> bool:
        if self.endpoint.startswith("/"):
            return request.path.startswith(self.endpoint)
        return request.endpoint == self.endpoint


def add(app: Flask, link: NavLink) -> None:
    links = app.extensions.setdefault(_KEY, [])
    links.append(link)
    links.sort(key=lambda found: found.position)


def links() -> list[NavLink]:
    """The signed-in member's links, in order (none for a visitor: the sign-in page has no menu)."""
    if not current_user.is_authenticated:
        return []
    found: list[NavLink] = current_app.extensions.get(_KEY, [])
    return [link for link in found if link.permission is None or current_user.may(link.permission)]


def in_staff_area() -> bool:
    """Whether a signed-in member is on a staff page (a blueprint or path a menu link belongs to): its
    error page then keeps the staff frame and menu, so a 403 or 404 is no dead end."""
    if not current_user.is_authenticated:
        return False
    for link in current_app.extensions.get(_KEY, []):
        if link.endpoint.startswith("/") and request.path.startswith(link.endpoint):
            return True
        if not link.endpoint.startswith("/") and link.endpoint.split(".")[0] == request.blueprint:
            return True
    return False


def install(app: Flask) -> None:
    app.add_template_global(links, "staff_nav_links")
    app.add_template_global(in_staff_area, "in_staff_area")
