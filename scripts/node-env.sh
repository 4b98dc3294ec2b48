# shellcheck shell=bash
# Source this file to get Node >= 22 on PATH.
#
# If the machine's `node` is older than 22, installs Node 24 from the npm package
# node-<platform>-<arch>@24 (a real Node binary + headers inside the registry tarball, so no
# download from anywhere but the npm registry) into a cache folder under $HOME, and puts it
# first on PATH. npm_config_nodedir points node-gyp at that Node's headers, so native addons
# never try to download headers.
#
#   . scripts/node-env.sh        # then `node -v` is >= 22
#
# SCORELENS_CACHE (default ~/.cache/scorelens) holds everything installed outside the repo.
export SCORELENS_CACHE="${SCORELENS_CACHE:-$HOME/.cache/scorelens}"
SCORELENS_NODE_MAJOR="${SCORELENS_NODE_MAJOR:-24}"

_scorelens_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(_scorelens_node_major)" -lt 22 ]; then
  _sl_os=$(uname -s | tr '[:upper:]' '[:lower:]')
  case "$(uname -m)" in x86_64) _sl_arch=x64 ;; aarch64|arm64) _sl_arch=arm64 ;; *) _sl_arch=$(uname -m) ;; esac
  _sl_pkg="node-${_sl_os}-${_sl_arch}"
  _sl_dir="$SCORELENS_CACHE/node$SCORELENS_NODE_MAJOR"
  _sl_home="$_sl_dir/node_modules/$_sl_pkg"
  if [ ! -x "$_sl_home/bin/node" ]; then
    echo "[node-env] system node is $(node -v 2>/dev/null || echo missing); installing $_sl_pkg@$SCORELENS_NODE_MAJOR from npm into $_sl_dir" >&2
    mkdir -p "$_sl_dir"
    [ -f "$_sl_dir/package.json" ] || echo '{"name":"scorelens-node-dist","private":true}' > "$_sl_dir/package.json"
    (cd "$_sl_dir" && npm install --no-audit --no-fund --loglevel=error "$_sl_pkg@$SCORELENS_NODE_MAJOR" >&2) || {
      echo "[node-env] could not install $_sl_pkg@$SCORELENS_NODE_MAJOR from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_sl_home/bin:$PATH"
  export npm_config_nodedir="$_sl_home"
  hash -r
fi
# Node >= 22 writes a compile cache to $TMPDIR; keep npm quiet about the machine's legacy nodedir key.
unset _sl_os _sl_arch _sl_pkg _sl_dir _sl_home
