#!/usr/bin/env bash
# Puts etcd 3.5 (from Debian trixie, static Go binaries) into the cache folder without touching the
# system's packages, and checks that etcd 3.4 (Debian bookworm's etcd-server/etcd-client) is installed.
# Idempotent: a second run reuses what is there.
set -euo pipefail
CACHE="${ETCD_INSPECTOR_CACHE:-$HOME/.cache/etcd-inspector}"
DEST="$CACHE/etcd-3.5"
if [ -x "$DEST/usr/bin/etcd" ] && [ -x "$DEST/usr/bin/etcdctl" ]; then
  echo "etcd 3.5 already in $DEST: $("$DEST/usr/bin/etcd" --version | sed -n 1p)"
  exit 0
fi
APT="$CACHE/apt-trixie"
mkdir -p "$APT/lists/partial" "$APT/archives/partial" "$APT/etc/preferences.d" "$DEST"
cat > "$APT/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
SRC
opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
      -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT" -o "Dir::Etc::Preferences=/dev/null"
      -o "Dir::Etc::PreferencesParts=$APT/etc/preferences.d" -o "APT::Get::List-Cleanup=0")
apt-get "${opts[@]}" update -qq
cd "$APT/archives"
rm -f etcd-server_*.deb etcd-client_*.deb
apt-get "${opts[@]}" download etcd-server etcd-client
for deb in etcd-server_*.deb etcd-client_*.deb; do dpkg -x "$deb" "$DEST"; done
# sed, not head: head exits after one line and etcd, still writing, dies of SIGPIPE, which pipefail makes fatal.
"$DEST/usr/bin/etcd" --version | sed -n 1p
