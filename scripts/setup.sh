#!/usr/bin/env bash
# Set up everything the guide needs, idempotently: a virtual environment with the project and
# its test tools, and the pinned Pyodide runtime from the npm lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

# Exactly what package-lock.json pins (the Pyodide runtime), nothing else.
npm ci --no-audit --no-fund --loglevel=error
