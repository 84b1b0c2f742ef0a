"""Random command sequences against the real services: never an illegal state, and the
projection always equals the replay of the log (SQLite, and PostgreSQL with fewer examples).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from core.db import Database
from tests.conftest import empty_database
from tests.integration.core.machine import Commands


def _settings(examples: int) -> settings:
    """Bounded for the suite. A failure prints its whole sequence; shrinking it can take minutes
    on a database, so it is opt-in (SHIPLOG_SHRINK=1); more examples via SHIPLOG_STATEFUL_EXAMPLES."""
    phases = [Phase.explicit, Phase.reuse, Phase.generate]
    if os.environ.get("SHIPLOG_SHRINK") == "1":
        phases.append(Phase.shrink)
    return settings(
        max_examples=int(os.environ.get("SHIPLOG_STATEFUL_EXAMPLES", examples)),
        phases=phases,
        stateful_step_count=30,
        deadline=None,
        database=None,  # no example database written into the working tree
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def _machine(new_database: Callable[[], Database]) -> type[Commands]:
    return type("Commands", (Commands,), {"new_database": staticmethod(new_database)})


def _run(database: Database, examples: int) -> None:
    """One engine for every example (its compiled-statement cache stays warm), emptied in between."""

    def fresh() -> Database:
        empty_database(database)
        return database

    try:
        run_state_machine_as_test(_machine(fresh), settings=_settings(examples))
    finally:
        database.dispose()


def test_random_command_sequences_on_sqlite(sqlite_template: Path, tmp_path: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "stateful.db")
    _run(Database(f"sqlite:///{tmp_path / 'stateful.db'}"), 25)


@pytest.mark.slow
def test_random_command_sequences_on_postgresql(postgres_url: str) -> None:
    _run(Database(postgres_url), 8)
