#!/usr/bin/env bash
# Load tests and the benchmark, against the local stack on 127.0.0.1, with wrk as the load generator.
#   scripts/loadtest.sh smoke|spike|soak|pay-mix [-e NAME=value ...]   see loadtest/bench/loadtest.ts
#   scripts/loadtest.sh bench [--update-docs] [--cpu-prof] [--only expiry-wave|payments|waiting-room|catalogue|cpu]   see loadtest/bench/run.ts
# Installs what is missing (node_modules, wrk; for the bench autocannon into .local/tools, for the
# comparison of load generators), builds, brings the infrastructure up (INFRA_PROFILE as scripts/infra.sh)
# and migrates. Services the run starts are stopped at its end; the infrastructure is left running.
# With INFRA_PORT_OFFSET (a profile of its own, as scripts/infra.sh), the services and the bench's baseline
# servers listen on their default ports + the offset too, so that two profiles can load-test at once
# (a port set in the environment wins: fetch refuses a few, 6000 among them).
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
if [ -n "${INFRA_PORT_OFFSET:-}" ]; then
  offset=$INFRA_PORT_OFFSET
  export GATEWAY_PORT=${GATEWAY_PORT:-$((3000 + offset))} ORDER_SERVICE_PORT=${ORDER_SERVICE_PORT:-$((3001 + offset))}
  export CANCEL_SERVICE_PORT=${CANCEL_SERVICE_PORT:-$((3002 + offset))}
  export BENCH_BARE_PORT=${BENCH_BARE_PORT:-$((3090 + offset))} BENCH_NAIVE_PORT=${BENCH_NAIVE_PORT:-$((3091 + offset))}
  export PAYMENT_PROVIDER_PORT=${PAYMENT_PROVIDER_PORT:-$((3003 + offset))}
  export PAYMENT_PROVIDER_URL=${PAYMENT_PROVIDER_URL:-http://127.0.0.1:$PAYMENT_PROVIDER_PORT}
  export PAYMENT_CALLBACK_URL=${PAYMENT_CALLBACK_URL:-http://127.0.0.1:$ORDER_SERVICE_PORT/api/payments/callbacks}
fi

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
