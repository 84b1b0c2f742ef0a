"""Realistic, deterministic demo history: planned here, played through the services' own rules.

A planner decides who orders what and when parcels move; each step is then one call of the
rule the services call (``core.domain``), on in-memory rows that are written in bulk
(``core.seed.unit``). ``seed_demo`` fills an empty database (1,000,000 orders in under ten
minutes on SQLite);
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
