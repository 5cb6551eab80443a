#!/usr/bin/env bash
# Starts the local PostgreSQL (installing it when missing) and creates the test role and
# database. Prints the URL to use as TEST_POSTGRES_URL. PORTAL_TEST_DATABASE names the database
# (default portal_test): two checkouts tested at once each use their own.
set -euo pipefail
name=${PORTAL_TEST_DATABASE:-portal_test}
case "$name" in *[!a-z0-9_]*|"") echo "PORTAL_TEST_DATABASE: lettres minuscules, chiffres et _ seulement" >&2; exit 2;; esac
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
as_postgres() { runuser -u postgres -- psql -p "$port" -qtAX "$@"; }
for _ in $(seq 1 30); do as_postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 1; done
if [ -z "$(as_postgres -c "select 1 from pg_roles where rolname = 'portal_test'")" ]; then
  as_postgres -c "create role portal_test login password 'portal_test'" >&2
fi
# Test workers (pytest-xdist) each create a database of their own: <name>_gw0, <name>_gw1…
as_postgres -c "alter role portal_test createdb" >&2
if [ -z "$(as_postgres -c "select 1 from pg_database where datname = '$name'")" ]; then
  as_postgres -c "create database $name owner portal_test" >&2
fi
echo "postgresql://portal_test:portal_test@127.0.0.1:${port}/$name"
