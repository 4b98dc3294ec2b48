#!/usr/bin/env bash
# Installs the project's dependencies with Node >= 22 (so better-sqlite3 13 gets its N-API
# prebuild). Skips `npm ci` when node_modules already matches package-lock.json.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/node-env.sh"
cd "$ROOT"
stamp=node_modules/.scorelens-lock-hash
want=$( (sha256sum package-lock.json; node -p process.versions.modules) | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "[bootstrap] node_modules is up to date (node $(node -v))" >&2
else
  echo "[bootstrap] npm ci with node $(node -v)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" > "$stamp"
fi
