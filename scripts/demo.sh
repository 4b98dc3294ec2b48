#!/usr/bin/env bash
# npm run demo: builds and packages ScoreLens, seeds a demo trace store from the example agent,
# then opens VS Code in the browser (code-server on 127.0.0.1) with the extension installed and
# examples/ open. Prints the URL; Ctrl-C stops everything.
#   DEMO_PORT=8080 npm run demo      # choose the code-server port (default: 8080, or a free one)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/bootstrap.sh
. scripts/node-env.sh
export PATH="$ROOT/node_modules/.bin:$PATH"
WORK="$SCORELENS_CACHE/demo"
mkdir -p "$WORK"
VSIX=$(bash scripts/package.sh --out "$WORK/scorelens.vsix" | tail -1)

DB="$WORK/demo-traces.db"
echo "[demo] seeding $DB from the example agent"
rm -f "$DB" "$DB-wal" "$DB-shm"
node dist/cli.js serve --db "$DB" --port 0 > "$WORK/seed-serve.log" 2>&1 &
SEED_PID=$!
for _ in $(seq 1 100); do grep -q '"listening"' "$WORK/seed-serve.log" 2>/dev/null && break; sleep 0.1; done
SEED_PORT=$(node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").split("\n").find(x=>x.includes("\"listening\""));console.log(JSON.parse(l).port)' "$WORK/seed-serve.log")
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://127.0.0.1:$SEED_PORT/v1/traces" node --import tsx examples/agent/runAgent.ts --runs 40
kill -TERM "$SEED_PID"; wait "$SEED_PID" || true
node dist/cli.js traces --db "$DB" --last 5

export SCORELENS_E2E_OTLP_PORT=${SCORELENS_OTLP_PORT:-4318}
. scripts/code-server-env.sh "$WORK/cs" "$VSIX"
# point the demo profile at the seeded store
node -e '
const fs=require("fs");const f=process.argv[1];const s=JSON.parse(fs.readFileSync(f,"utf8"));
s["scorelens.databasePath"]=process.argv[2];fs.writeFileSync(f,JSON.stringify(s,null,2));' "$WORK/cs/ud/User/settings.json" "$DB"
PORT=${DEMO_PORT:-8080}
if ! node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$PORT"; then PORT=$(free_port); fi
trap stop_code_server EXIT INT TERM
start_code_server "$PORT"
URL="http://127.0.0.1:$PORT/?folder=$ROOT/examples"
echo
echo "ScoreLens demo is running:"
echo "  open  $URL"
echo "  traces are received on http://127.0.0.1:$SCORELENS_E2E_OTLP_PORT/v1/traces (try: node --import tsx examples/agent/runAgent.ts)"
echo "  Ctrl-C to stop"
wait "$CS_PID"
