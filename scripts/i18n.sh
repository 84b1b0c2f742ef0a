#!/usr/bin/env bash
# The translation catalogues (see web/i18n.py and docs/translations.md).
#   scripts/i18n.sh extract [OUT]  strings from code and templates into translations/messages.pot (or OUT; babel.cfg)
#   scripts/i18n.sh update    extract, then merge new and changed strings into each language's messages.po
#   scripts/i18n.sh init LANG start a new language from the .pot
#   scripts/i18n.sh compile   .po -> .mo under instance/translations (the app also does this when it starts)
set -euo pipefail
cd "$(dirname "$0")/.."
POT=translations/messages.pot
# `translatable` marks core's customer-facing English; `_l` is flask_babel.lazy_gettext.
KEYWORDS=(-k translatable -k _l -k lazy_gettext)

extract() {
  local out=${1:-$POT} fresh
  fresh=$(mktemp)
  # Template folders such as _layout start with "_", which Babel skips unless told which folders to skip.
  .venv/bin/pybabel -q extract -F babel.cfg "${KEYWORDS[@]}" --no-location --sort-output --width=120 \
    --ignore-dirs=".* __pycache__ node_modules instance" --add-comments=TRANSLATORS: --project=Shiplog \
    --copyright-holder=Shiplog -o "$fresh" .
  # Only the creation date changed: keep the file as it was (no churn for merges).
  if [ -f "$out" ] && diff -q <(grep -v '^"POT-Creation-Date' "$out") <(grep -v '^"POT-Creation-Date' "$fresh") >/dev/null; then
    rm "$fresh"
  else
    mv "$fresh" "$out"
  fi
}

case "${1:-}" in
  extract) extract "${2:-$POT}" ;;
  update)
    extract
    .venv/bin/pybabel -q update -i "$POT" -d translations --no-fuzzy-matching --ignore-obsolete --width=120
    ;;
  init) .venv/bin/pybabel init -i "$POT" -d translations -l "${2:?which language, e.g. fr}" ;;
  compile)
    .venv/bin/python -c 'from pathlib import Path; from web.i18n import SOURCE, compile_catalogues; compile_catalogues(SOURCE, Path("instance/translations"))'
    ;;
  *) sed -n '2,7p' "$0"; exit 2 ;;
esac
