"""The manager dashboard (Dash), mounted on the Flask server under /dashboard/."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the Dash app on ``app`` behind staff login."""
