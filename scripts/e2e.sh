#!/usr/bin/env bash
# End-to-end tests in a real VS Code: code-server 4.139 (VS Code 1.139) on Node 24, the packaged
# .vsix installed offline, examples/ opened as the workspace, driven by Debian's Chromium through
# playwright-core. Screenshots land in test-output/e2e/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/node-env.sh"
export PATH="$ROOT/node_modules/.bin:$PATH"
cd "$ROOT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/scorelens-e2e.XXXXXX")
SHOTS="${E2E_SHOTS_DIR:-$ROOT/test-output/e2e}"
rm -rf "$SHOTS" && mkdir -p "$SHOTS"
VSIX=$(bash scripts/package.sh --out "$WORK/scorelens.vsix" | tail -1)
export SCORELENS_E2E_OTLP_PORT=${SCORELENS_E2E_OTLP_PORT:-$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
. scripts/code-server-env.sh "$WORK/cs" "$VSIX"
PORT=$(free_port)
trap 'stop_code_server; cp "$WORK/cs/logs/"*.log "$SHOTS/" 2>/dev/null || true; cp -r "$WORK/cs/ud/logs" "$SHOTS/vscode-logs" 2>/dev/null || true; rm -rf "$WORK"' EXIT
start_code_server "$PORT"
# The repo's own examples/ is the workspace (as in the demo): the example agent's spans point at
# files inside it, so "reveal source" can be tested. ScoreLens writes nothing into the workspace.
WS="$ROOT/examples"
rc=0
CS_URL="http://127.0.0.1:$PORT" WS_DIR="$WS" SHOTS_DIR="$SHOTS" OTLP_PORT="$SCORELENS_E2E_OTLP_PORT" \
  node --import tsx --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination="$SHOTS/e2e.tap" ${E2E_FILES:-test/e2e/*.e2e.ts} || rc=$?
exit $rc
