#!/usr/bin/env bash
# Load tests and the benchmark, against the local stack on 127.0.0.1, with wrk as the load generator.
#   scripts/loadtest.sh smoke|spike|soak|pay-mix [-e NAME=value ...]   see loadtest/bench/loadtest.ts
#   scripts/loadtest.sh bench [--update-docs] [--cpu-prof] [--only expiry-wave]   see loadtest/bench/run.ts
# Installs what is missing (node_modules, wrk; for the bench autocannon into .local/tools, for the
# comparison of load generators), builds, brings the infrastructure up (INFRA_PROFILE as scripts/infra.sh)
# and migrates. Services the run starts are stopped at its end; the infrastructure is left running.
# Exit status: non-zero when a threshold failed or an invariant broke. Reports land in bench-results/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

scenario=${1:-}
case "$scenario" in
  smoke | spike | soak | pay-mix | bench) shift ;;
  *) say "usage: npm run loadtest -- smoke|spike|soak|pay-mix [-e NAME=value ...] | npm run bench" && exit 2 ;;
esac

ensure_node_modules
bash scripts/infra.sh wrk >/dev/null
build_and_migrate
mkdir -p bench-results

if [ "$scenario" = bench ]; then
  AUTOCANNON="$ROOT/.local/tools/autocannon"
  if [ ! -d "$AUTOCANNON/node_modules/autocannon" ]; then
    say "installing autocannon 9.0.0 into .local/tools (the comparison of load generators)"
    npm install --prefix "$AUTOCANNON" --no-audit --no-fund --no-save autocannon@9.0.0 >/dev/null ||
      say "autocannon could not be installed; the comparison will say so"
  fi
  exec node dist/loadtest/bench/run.js "$@"
fi
exec node dist/loadtest/bench/loadtest.js "$scenario" "$@"
