"""Running ``flask --app wsgi notifications work`` as a real subprocess, configured by environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from notifications.cli import CRASH_ENV
from tests.integration.notifications.peers import TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, SmtpPeer, TwilioPeer

ROOT = Path(__file__).resolve().parents[3]
BASE_URL = "https://shop.example.com"
SECRET = "test-secret"


def worker_env(database_url: str, smtp: SmtpPeer, twilio: TwilioPeer, **extra: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "TWILIO_", "NOTIFY_", "REDIS_URL"))}
    env.pop(CRASH_ENV, None)
    env |= {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "PUBLIC_BASE_URL": BASE_URL,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM_NUMBER": TWILIO_FROM,
        "TWILIO_API_BASE_URL": twilio.url,
    }
    return env | {k: str(v) for k, v in extra.items()}


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", "notifications", "work", *args]


def run_once(env: dict[str, str], crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    """One ``work --once`` run; with ``crash_at`` it SIGKILLs itself at that checkpoint."""
    full = env | ({CRASH_ENV: crash_at} if crash_at else {})
    return subprocess.run(command("--once"), cwd=ROOT, env=full, capture_output=True, text=True, timeout=120)


def start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command(), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or ""
