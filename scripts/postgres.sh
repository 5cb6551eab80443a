#!/usr/bin/env bash
# Starts the local PostgreSQL (installing it when missing) and creates the test role and
# database. Prints the URL to use as TEST_POSTGRES_URL.
set -euo pipefail
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
if [ -z "$(as_postgres -c "select 1 from pg_database where datname = 'portal_test'")" ]; then
  as_postgres -c "create database portal_test owner portal_test" >&2
fi
echo "postgresql://portal_test:portal_test@127.0.0.1:${port}/portal_test"
