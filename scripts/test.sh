#!/usr/bin/env bash
# Set up and run the whole test suite: engine, plugin, Pyodide under Node, and the built site
# in a real Chromium. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# A browser for Playwright: Debian's Chromium if present, else Playwright's own; if neither,
# install Debian's (Playwright cannot download its own browser on every network).
if [ ! -x /usr/bin/chromium ]; then
  own=$(.venv/bin/python -c 'from playwright.sync_api import sync_playwright
with sync_playwright() as p: print(p.chromium.executable_path)' 2>/dev/null || true)
  if [ -z "$own" ] || [ ! -x "$own" ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  fi
fi

export NO_MKDOCS_2_WARNING=1
# One worker per core (at most four: each runs its own Chromium and its own builds). A test
# module stays on one worker, so its module-wide fixtures (a built site, a dozen booting pages,
# a Pyodide run) are made once; modules are handed out in collection order, which
# tests/conftest.py sets for the slowest. `-n 0` after the command runs everything here.
exec .venv/bin/python -m pytest -n auto --maxprocesses 4 --dist loadscope --no-loadscope-reorder "$@"
