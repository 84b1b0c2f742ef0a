#!/usr/bin/env bash
# Run Shiplog on embedded defaults: SQLite, local notification sinks, demo data on first run.
# DEMO=0: a real shop's first run instead: its own empty database, and what to do next.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements.txt
export FLASK_APP=wsgi
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://$HOST:$PORT}
if [ "${DEMO:-1}" = "0" ]; then
  # A real shop: its own database (never the demo's), nothing seeded; `flask setup` makes its manager and settings.
  mkdir -p instance
  export DATABASE_URL=${DATABASE_URL:-sqlite:///$PWD/instance/shop.db}
  .venv/bin/flask db upgrade
  if ! .venv/bin/flask setup --check >/dev/null; then
    echo "Shiplog is running with an empty database. Next:"
    echo "  1. .venv/bin/flask --app wsgi setup      (the first manager, the shop's name, time zone and currency)"
  else
    echo "Shiplog is running for your shop. Next:"
  fi
  echo "  - staff hub:       $PUBLIC_BASE_URL/staff/   (settings: $PUBLIC_BASE_URL/staff/settings)"
  echo "  - customer portal: $PUBLIC_BASE_URL/"
  echo "  - going live, step by step: docs/going-live.md"
else
  # The demo shop's returns desk: labels, return pages and emails all print it.
  export SHOP_RETURN_ADDRESS=${SHOP_RETURN_ADDRESS:-"Shiplog Demo Store Returns; 500 Dock Street, Unit 4; Chicago, IL 60607; United States"}
  .venv/bin/flask db upgrade
  .venv/bin/flask seed --if-empty --orders "${DEMO_ORDERS:-2000}" --days "${DEMO_DAYS:-90}" --seed 7
  .venv/bin/flask demo-info
fi
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
