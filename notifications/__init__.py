"""Notifications: render and deliver the outbox by email and SMS."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire the notification adapters, routes and commands into the app."""
