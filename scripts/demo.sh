#!/usr/bin/env bash
# One command for the demo: installs what is missing (idempotent), packages the extension, starts a local
# three-member etcd 3.5 cluster and code-server with the extension installed and the cluster configured,
# prints the URL, and stops everything on Ctrl-C.   DEMO_PORT=8080 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
if ! command -v etcd >/dev/null || ! command -v openssl >/dev/null; then
  [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client openssl
fi
bash scripts/setup-etcd.sh
bash scripts/setup-code-server.sh >/dev/null
npm run --silent package >/dev/null
exec node --import tsx scripts/demo.ts "$PWD/etcd-inspector.vsix"
