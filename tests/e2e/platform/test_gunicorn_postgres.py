"""The production shape: gunicorn with several workers on PostgreSQL, configured by environment only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.services.access import create_staff_user
from core.shop import Shop
from tests import factories

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 30 s")


@pytest.fixture
def gunicorn_on_postgres(pg_shop: Shop, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": pg_shop.db.url,
        "SECRET_KEY": "e2e-secret",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "NOTIFY_INLINE_DISPATCH": "0",
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "3", "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_workers_serve_the_same_postgres_data(gunicorn_on_postgres: str, pg_shop: Shop) -> None:
    factories.make_catalog(pg_shop)
    order = factories.place(pg_shop)
    factories.ship_all(pg_shop, order.id, tracking_number="1ZE2E0000000000001")
    create_staff_user(pg_shop, email="e2e@example.com", password="correct horse battery", role="staff")

    # Several requests land on several workers; every one must see the order's shipment.
    pages = [urllib.request.urlopen(f"{gunicorn_on_postgres}/track/1ZE2E0000000000001", timeout=5) for _ in range(6)]
    bodies = [page.read().decode() for page in pages]
    assert all(page.status == 200 for page in pages)
    assert all("UPS" in body for body in bodies)
    assert all("ada@example.com" not in body for body in bodies)
