#!/usr/bin/env bash
# Builds (production) and packages the extension as dist-vsix/scorelens-<version>.vsix with
# @vscode/vsce, then lists what went in. Usage: bash scripts/package.sh [--out FILE]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/node-env.sh"
export PATH="$ROOT/node_modules/.bin:$PATH"
cd "$ROOT"
version=$(node -p 'require("./package.json").version')
out=${1:-}
[ "$out" = "--out" ] && out=$2 || out="$ROOT/dist-vsix/scorelens-$version.vsix"
mkdir -p "$(dirname "$out")"
rm -rf dist && node scripts/build.mjs --production
vsce package --allow-missing-repository --skip-license -o "$out" >&2
echo "[package] contents of $(basename "$out"):" >&2
vsce ls --tree 2>/dev/null | head -40 >&2 || true
echo "$out"
