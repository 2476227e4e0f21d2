#!/usr/bin/env bash
# Set up, build and serve the guide on http://127.0.0.1:8000 (rebuilds on change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/mkdocs serve --strict -a "${ADDR:-127.0.0.1:8000}" "$@"
