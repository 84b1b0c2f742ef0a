"""Flask CLI commands: ``flask --app wsgi <command>``.

Each feature adds a module to ``FEATURE_MODULES`` that exposes ``commands``, a list
of click commands; a module that is not there yet is simply skipped.
"""

from __future__ import annotations

import importlib

from flask import Flask

from portal.cli import access, database

FEATURE_MODULES = ("portal.cli.seeding", "portal.cli.importing", "portal.cli.kpis")


def register_cli(app: Flask) -> None:
    app.cli.add_command(database.db)
    app.cli.add_command(access.users)
    app.cli.add_command(access.api_keys)
    for name in FEATURE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        for command in module.commands:
            app.cli.add_command(command)
