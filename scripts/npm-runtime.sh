#!/usr/bin/env bash
# Install exactly what package-lock.json pins (the Pyodide runtime) into node_modules, and never
# leave a worse node_modules than the one found:
# - when node_modules already holds every package the lock pins (same version and integrity)
#   and the runtime files match plugin/runtime-manifest.json, nothing runs and no network is
#   needed;
# - otherwise `npm ci` runs with the old node_modules moved aside, which is put back if the
#   install fails or is interrupted (npm ci empties node_modules before it downloads).
set -euo pipefail
cd "$(dirname "$0")/.."

if python3 - <<'PY'
import hashlib, json, sys
from pathlib import Path

def pinned(path: str) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {name: (entry.get("version"), entry.get("integrity"))
            for name, entry in data.get("packages", {}).items() if name}

try:
    lock = pinned("package-lock.json")
    if pinned("node_modules/.package-lock.json") != lock:
        sys.exit(1)
    for name, (version, _) in lock.items():
        installed = json.loads(Path(name, "package.json").read_text(encoding="utf-8"))
        if installed.get("version") != version:
            sys.exit(1)
    manifest = json.loads(Path("plugin/runtime-manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        data = Path("node_modules", manifest["package"], name).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            sys.exit(1)
except (OSError, ValueError, KeyError, AttributeError):
    sys.exit(1)
PY
then
  echo "setup: node_modules already holds what package-lock.json pins; npm ci not needed"
  exit 0
fi

backup=.node_modules.before-npm-ci
restore() {
  if [ -e "$backup" ]; then
    rm -rf node_modules
    mv "$backup" node_modules
  fi
}
rm -rf "$backup"
if [ -e node_modules ]; then
  mv node_modules "$backup"
fi
trap restore EXIT  # a failed or interrupted install puts the old node_modules back

if npm ci --no-audit --no-fund --loglevel=error; then
  if [ -d "$backup/.cache" ] && [ ! -e node_modules/.cache ]; then
    mv "$backup/.cache" node_modules/.cache  # the plugin's .gz copies: checked before use
  fi
  rm -rf "$backup"
  trap - EXIT
else
  status=$?
  restore
  trap - EXIT
  echo "setup: \`npm ci\` failed (exit status $status), so node_modules was left as it was" \
    "before. Fix: check the network and the npm registry (\`npm config get registry\`), then" \
    "run \`bash scripts/setup.sh\` again." >&2
  exit "$status"
fi
