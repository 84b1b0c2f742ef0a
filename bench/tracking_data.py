"""The parcels ``bench_tracking.py`` rotates over, and their pages rendered ahead of the run."""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sample_numbers(db: Path, count: int, seed: int) -> list[str]:
    """Distinct random tracking numbers, picked by random shipment id (no full scan of a big table)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        top = conn.execute("SELECT max(id) FROM shipments").fetchone()[0] or 0
        if top == 0:
            raise SystemExit(f"{db} has no shipments: seed it first (see this file's docstring).")
        rng = random.Random(seed)
        ids = rng.sample(range(1, top + 1), min(count * 2, top))
        found: list[str] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = conn.execute(
                f"SELECT tracking_number FROM shipments WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            found.extend(row[0] for row in rows)
        rng.shuffle(found)
        return found[:count]


ON_VIEW, ON_VIEW_SEED = "rendered on view", 77


def ahead_sample(args: argparse.Namespace, index: int) -> list[str]:
    return sample_numbers(args.db, args.distinct[index], seed=2 + index)


def render_ahead(args: argparse.Namespace, tmp: Path) -> None:
    """Store the pages of the rotations' parcels as the follower (``flask tracking-pages --follow``) would
    have after each one's last event, and no others: every stored page is dropped first."""
    with sqlite3.connect(args.db) as conn:
        conn.execute("DELETE FROM tracking_pages")
    numbers = sorted({n for index in range(len(args.distinct)) for n in ahead_sample(args, index)})
    listing = tmp / "ahead.txt"
    listing.write_text("\n".join(numbers))
    env = os.environ | {"DATABASE_URL": f"sqlite:///{args.db}"}
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "tracking-pages", "--numbers", str(listing)]
    started = time.monotonic()
    subprocess.run(flask, cwd=args.code, env=env, check=True)
    took = time.monotonic() - started
    print(f"rendered ahead: {len(numbers):,} parcels in {took:.1f} s ({len(numbers) / took:.0f} parcels/s, every "
          f"language the shop offers; the command's start-up included)", flush=True)  # fmt: skip
