#!/usr/bin/env bash
# One command: set up, install Debian's Chromium when missing, start PostgreSQL, run every test
# (db/ tests on SQLite and PostgreSQL, view tests, Playwright journeys in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -x /usr/bin/chromium ]; then
  echo "Installation de Chromium (Debian)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
TEST_POSTGRES_URL=$(bash scripts/postgres.sh)
export TEST_POSTGRES_URL
.venv/bin/ruff check .
status=0
# -n: one test worker per core (pytest-xdist), each with its own databases; TEST_WORKERS=0 runs them
# in this process.
.venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --tracing retain-on-failure --output test-results "$@" \
  || status=$?
# pytest exits 5 when it collected no test: that is a failure of this command, not a pass.
exit $status
