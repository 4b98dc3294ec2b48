#!/usr/bin/env bash
# Runs a command with Node >= 22 (bootstrapped if needed) and the project's node_modules/.bin on PATH.
#   bash scripts/run.sh node scripts/build.mjs
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/node-env.sh"
export PATH="$ROOT/node_modules/.bin:$PATH"
cd "$ROOT"
exec "$@"
