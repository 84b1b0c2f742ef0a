"""Realistic, deterministic demo history, written in bulk with the same invariants as the services.

``seed_demo`` fills an empty database (1,000,000 orders in a few minutes on SQLite);
``demo_info`` lists what to try in the demo. See ``bench/README.md`` for figures.
"""

from core.seed.generator import SeedOptions
from core.seed.info import DemoInfo, DemoOrder, demo_info
from core.seed.run import DEMO_PASSWORD, STAFF_ACCOUNTS, DatabaseNotEmpty, SeedReport, order_count, seed_demo

__all__ = [
    "DEMO_PASSWORD",
    "STAFF_ACCOUNTS",
    "DatabaseNotEmpty",
    "DemoInfo",
    "DemoOrder",
    "SeedOptions",
    "SeedReport",
    "demo_info",
    "order_count",
    "seed_demo",
]
