"""gunicorn settings for ``bench_dashboard.py``: each worker says when its app is loaded, so a first
view measures the first request, not the worker's start."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def post_worker_init(worker: Any) -> None:
    Path(os.environ["BENCH_READY_DIR"], str(worker.pid)).touch()
