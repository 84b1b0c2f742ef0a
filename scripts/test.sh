#!/usr/bin/env bash
# Run the whole test suite: unit, integration (SQLite + PostgreSQL + Redis + SMTP + Twilio peer) and browser.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  echo "==> installing Debian's chromium for browser tests"
  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "!! could not install chromium"
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache  # the layering contracts in pyproject.toml
.venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" "$@"
