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
# Test only: a deterministic chat model (VS Code's Language Model API) for the "vscode" judge
# provider, from test/fixtures/vscode-lm-extension. Installed here, never in the ScoreLens .vsix.
(cd test/fixtures/vscode-lm-extension && vsce package --no-dependencies --allow-missing-repository --skip-license -o "$WORK/vscode-lm-fixture.vsix" >"$WORK/cs/logs/package-lm-fixture.log" 2>&1) \
  || { cat "$WORK/cs/logs/package-lm-fixture.log"; exit 1; }
cs --install-extension "$WORK/vscode-lm-fixture.vsix" >>"$WORK/cs/logs/install-extension.log" 2>&1 || { cat "$WORK/cs/logs/install-extension.log"; exit 1; }
# its model asks for the user's consent, as Copilot's do (the proposed chatProvider API)
CS_EXTRA_ARGS="--enable-proposed-api scorelens-e2e.vscode-lm-fixture"
# code-server keeps a closed tab's extension host (and its ScoreLens server) for 3 hours by
# default; each e2e file opens a new window, so let old ones go after 5 s: every file then gets a
# server started with the settings it wrote (judge endpoint, key, provider).
CS_EXTRA_ARGS="$CS_EXTRA_ARGS --reconnection-grace-time 5"
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
