#!/usr/bin/env bash
# Set up everything the guide needs, idempotently: a virtual environment with the project and
# its test tools, and the pinned Pyodide runtime from the npm lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Installed again only when pyproject.toml or devtools/pyproject.toml changed (no network
# needed otherwise). devtools (build, serve, drive the guide: tests, bench, scripts) is its own
# distribution, so the plugin's wheel does not carry it. setuptools' notice that an editable
# install follows the working tree is left out: it is how this project is meant to run.
stamp=.venv/.setup-pyproject.sha256
if [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum pyproject.toml devtools/pyproject.toml)" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  PYTHONWARNINGS="ignore:Editable installation" .venv/bin/python -m pip install --quiet \
    --disable-pip-version-check -e ".[test]" -e ./devtools
  sha256sum pyproject.toml devtools/pyproject.toml > "$stamp"
fi

# Exactly what package-lock.json pins (the Pyodide runtime), nothing else; skipped when
# node_modules already holds it, and never leaving node_modules worse than it was.
bash scripts/npm-runtime.sh

# Wheels for the engine's tests inside Pyodide (tests/pyodide/run.mjs installs them there with
# unpackArchive): pure-Python, for the Python 3.14 of npm pyodide 314.0.7, pinned. PyYAML has
# no pure wheel: run.mjs keeps the pure-Python code of its CPython 3.14 wheel. Fetched again
# only when these pins change.
wheels=.cache/pyodide-wheels
pure="pytest==9.2.0 pluggy==1.7.0 iniconfig==2.3.1 packaging==26.4 pygments==2.21.0 hypothesis==6.155.7 sortedcontainers==2.4.0"
yaml="pyyaml==6.0.4"
if [ "$(cat "$wheels/PINS" 2>/dev/null)" != "$pure $yaml" ]; then
  rm -rf "$wheels"
  get=(.venv/bin/python -m pip download --quiet --disable-pip-version-check --no-deps
       --only-binary=:all: --python-version 3.14 -d "$wheels")
  "${get[@]}" --platform any $pure
  "${get[@]}" --platform manylinux_2_17_x86_64 $yaml
  echo "$pure $yaml" > "$wheels/PINS"
fi
