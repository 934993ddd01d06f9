#!/usr/bin/env bash
# Run the demo: SQLite database under var/, the référentiel and demo accounts loaded,
# Django's development server on http://127.0.0.1:${PORT:-8000}/.
#
# Safe to run again: migrations, référentiel loading and demo seeding are idempotent.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-system.sh demo
bash scripts/bootstrap.sh

mkdir -p "${VAR_DIR:-var}"

port="${PORT:-8000}"
# The documents' QR codes and the e-mails' links point at the address the demo is served on.
export SITE_URL="${SITE_URL:-http://127.0.0.1:$port}"

# First: every other command's system checks need the credentials key and the seal's key
# and certificate (both kept across runs).
echo "==> the key that signs the credentials (kept across runs)"
.venv/bin/python manage.py credential_key --create-if-missing
echo "==> the demo's seal (key and self-signed certificate under ${VAR_DIR:-var}/seal/)"
.venv/bin/python manage.py seal_keys --create-if-missing
echo "==> applying migrations"
.venv/bin/python manage.py migrate --noinput
echo "==> loading the référentiel"
.venv/bin/python manage.py load_referentiel
echo "==> creating the demo data"
.venv/bin/python manage.py seed_demo

echo "==> starting the demo on http://127.0.0.1:$port/ (Ctrl-C to stop)"
exec .venv/bin/python manage.py runserver "127.0.0.1:$port"
