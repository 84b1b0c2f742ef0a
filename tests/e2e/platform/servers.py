"""gunicorn serving the production app (``wsgi:app``) in a subprocess, configured by environment only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 60 s")


@contextmanager
def gunicorn(env: dict[str, str], workers: int) -> Iterator[str]:
    """``workers`` sync gunicorn workers on a free port, with ``env`` over this process's environment
    (REDIS_URL left out unless ``env`` names it); yields the base URL once it answers."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    environment |= {"SECRET_KEY": "e2e-secret", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    environment |= {"NOTIFY_INLINE_DISPATCH": "0", **env}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
