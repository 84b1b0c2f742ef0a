#!/usr/bin/env bash
# Create the virtualenv and install pinned packages (idempotent: re-runs only when requirements change).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
want=${1:-requirements.txt}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
stamp=".venv/.installed-$(basename "$want")"
digest=$(cat requirements*.txt package.json | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  echo "==> installing $want"
  .venv/bin/pip install -q -r "$want"
  echo "$digest" > "$stamp"
fi
if [ ! -f node_modules/htmx.org/dist/htmx.min.js ] || [ ! -f node_modules/axe-core/axe.min.js ] \
  || [ package.json -nt node_modules ]; then
  echo "==> installing front-end packages (npm)"
  npm install --no-audit --no-fund --loglevel=error >/dev/null
fi
