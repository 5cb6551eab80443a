#!/usr/bin/env bash
# Creates .venv and installs the project with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    echo "python3-venv manquant : installation via apt-get…"
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    rm -rf .venv && "$PYTHON" -m venv .venv
  fi
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  rm -f .venv/.installed-* && touch "$stamp"
fi
