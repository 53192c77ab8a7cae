#!/usr/bin/env bash
# Runs the test tiers with node's test runner: unit (pure logic), integration (real etcd clusters, real
# sshd, the built language server), e2e (real VS Code in code-server driven in Chromium).
#   bash scripts/test.sh            static checks (tsc, eslint) and every tier (the README's test command: npm test)
#   bash scripts/test.sh unit       one tier (unit | integration | e2e)
set -euo pipefail
cd "$(dirname "$0")/.."
tiers=("${@:-unit integration e2e}")
tiers=(${tiers[*]})
if [ $# -eq 0 ]; then
  echo "== static checks: tsc --noEmit, eslint"
  npm run --silent typecheck
  npm run --silent lint
fi

need_build=0; need_vsix=0
for t in "${tiers[@]}"; do
  case "$t" in
    unit) ;;
    integration) need_build=1 ;;
    e2e) need_build=1; need_vsix=1 ;;
    *) echo "unknown tier: $t (unit | integration | e2e)" >&2; exit 2 ;;
  esac
done
for t in "${tiers[@]}"; do
  case "$t" in integration|e2e) bash scripts/setup-etcd.sh >/dev/null ;; esac
  # Both code-servers: the current one and the oldest that satisfies engines.vscode (idempotent, fast once
  # installed), so that `npm test` on a fresh machine runs test/e2e/oldest.e2e.test.ts rather than skipping it.
  if [ "$t" = e2e ]; then
    bash scripts/setup-code-server.sh >/dev/null
    bash scripts/setup-code-server.sh --oldest >/dev/null
    export ETCD_INSPECTOR_REQUIRE_OLDEST=1
  fi
done
if [ "$need_vsix" = 1 ]; then
  npm run --silent package >/dev/null
  export ETCD_INSPECTOR_VSIX="$PWD/etcd-inspector.vsix"
elif [ "$need_build" = 1 ]; then
  npm run --silent build >/dev/null
fi

files=()
for t in "${tiers[@]}"; do
  case "$t" in
    unit) pattern='*.test.ts' ;;
    integration) pattern='*.test.ts' ;;
    e2e) pattern='*.e2e.test.ts' ;;
  esac
  while IFS= read -r f; do files+=("$f"); done < <(find "test/$t" -name "$pattern" | sort)
done
if [ ${#files[@]} -eq 0 ]; then echo "no test files found for: ${tiers[*]}" >&2; exit 1; fi
mkdir -p test-results
# Integration and e2e files start real clusters and browsers: run files one at a time on 2-core machines.
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
