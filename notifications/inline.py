"""In-process dispatch for single-process deployments (``NOTIFY_INLINE_DISPATCH=1``).

The thread starts with the first request, never at import, so CLI commands and tests that
build the app do not start dispatchers. Several web processes may each run one: claims
keep them off each other's messages.
"""

from __future__ import annotations

import threading

from flask import Flask

from notifications import wiring

_started = threading.Lock()


def install(app: Flask) -> None:
    stop = threading.Event()
    state = {"thread": None}

    def run() -> None:
        with app.app_context():
            wiring.dispatcher().work(stop)

    @app.before_request
    def start_dispatcher() -> None:
        if state["thread"] is not None:
            return
        with _started:
            if state["thread"] is None:
                thread = threading.Thread(target=run, name="shiplog-notify", daemon=True)
                state["thread"] = thread
                thread.start()
