#!/usr/bin/env bash
# Run Shiplog on embedded defaults: SQLite, local notification sinks, demo data on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements.txt
export FLASK_APP=wsgi
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://$HOST:$PORT}
# The demo shop's returns desk: labels, return pages and emails all print it.
export SHOP_RETURN_ADDRESS=${SHOP_RETURN_ADDRESS:-"Shiplog Demo Store Returns; 500 Dock Street, Unit 4; Chicago, IL 60607; United States"}
.venv/bin/flask db upgrade
.venv/bin/flask seed --if-empty --orders "${DEMO_ORDERS:-2000}" --days "${DEMO_DAYS:-90}" --seed 7
.venv/bin/flask demo-info
children=()
if .venv/bin/flask notifications --help >/dev/null 2>&1; then
  .venv/bin/flask notifications work &
  children+=($!)
fi
.venv/bin/flask tracking-pages --follow >/dev/null &  # public tracking pages rendered ahead of their first view
children+=($!)
trap 'kill "${children[@]}" 2>/dev/null || true' EXIT
exec_args=(--bind "$HOST:$PORT" --workers "${WEB_WORKERS:-2}" --threads 4 --access-logfile - wsgi:app)
.venv/bin/gunicorn "${exec_args[@]}"
