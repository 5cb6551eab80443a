#!/usr/bin/env bash
# One command: set up, prepare the embedded SQLite database (schema, catalogue, Sirene sample,
# demo firm) and serve the portal on http://127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export FLASK_APP=webapp
# Mailed links (validation, recovery) lead back to this server, whatever Host a request names.
export PUBLIC_URL=${PUBLIC_URL:-http://127.0.0.1:${PORT:-5000}}
.venv/bin/flask setup
.venv/bin/flask sirene sample
.venv/bin/flask demo
echo
echo "Portail disponible sur http://127.0.0.1:${PORT:-5000}  (Ctrl-C pour arrêter)"
# gunicorn, as in production: two worker processes share the SQLite file (WAL mode).
exec .venv/bin/gunicorn --bind "127.0.0.1:${PORT:-5000}" --workers 2 --threads 4 --access-logfile - "webapp:create_app()"
