#!/usr/bin/env bash
# Load tests and the benchmark, against the local stack on 127.0.0.1 (brought up if it is not running).
#   scripts/loadtest.sh smoke|spike|soak|pay-mix [-e NAME=value ...]   k6 run loadtest/<scenario>.js, then reconcile
#   scripts/loadtest.sh bench [--update-docs]                          see scripts/bench/run.ts
# Exit status: non-zero when a k6 threshold failed or reconcile found a broken invariant.
# Reports land in bench-results/ (git-ignored). Services this script started are stopped at the end;
# infrastructure is left running, as `npm test` leaves it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN="$ROOT/.local/run"
SERVICES=("gateway:3000" "order-service:3001" "cancel-service:3002")
cd "$ROOT"

say() { printf 'loadtest: %s\n' "$*" >&2; }
die() { printf 'loadtest: %s\n' "$*" >&2; exit 2; }
healthy() { curl -fsS -m 2 "http://127.0.0.1:$1/health" >/dev/null 2>&1; }
pid_alive() { [ -f "$1" ] && kill -0 "$(head -n 1 "$1")" 2>/dev/null; }

scenario=${1:-}
[ -n "$scenario" ] || die "usage: npm run loadtest -- smoke|spike|soak|pay-mix [-e NAME=value ...] | npm run bench"
shift
[ "$scenario" = bench ] || [ -f "loadtest/$scenario.js" ] || die "no scenario loadtest/$scenario.js"

# The services' own values (environment, else .env, else .env.example), so that the tokens k6 signs and
# the URLs it calls match the running services.
setting() {
  local file value
  if [ -n "${!1:-}" ]; then echo "${!1}"; return; fi
  for file in .env .env.example; do
    value=$(sed -n "s/^$1=//p" "$file" 2>/dev/null | tail -n 1)
    if [ -n "$value" ]; then echo "$value"; return; fi
  done
}
K6_VARS=(
  -e "JWT_SECRET=$(setting JWT_SECRET)" -e "ADMIN_TOKEN=$(setting ADMIN_TOKEN)"
  -e "GATEWAY_URL=http://127.0.0.1:$(setting GATEWAY_PORT)" -e "ORDERS_URL=http://127.0.0.1:$(setting ORDER_SERVICE_PORT)"
)

[ -d node_modules ] || npm ci --no-audit --no-fund
K6=$(bash scripts/infra.sh k6)
export K6

# Reuse a running stack; otherwise start it and remember which services are ours to stop.
started=()
stop_started() {
  local name pid
  for name in "${started[@]}"; do
    pid_alive "$RUN/$name.pid" || continue
    pid=$(head -n 1 "$RUN/$name.pid")
    kill "$pid" # graceful: in-flight batches are drained
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$RUN/$name.pid"
    say "stopped $name (started by this run)"
  done
}
all_healthy=true
for entry in "${SERVICES[@]}"; do healthy "${entry##*:}" || all_healthy=false; done
if $all_healthy; then
  say "reusing the stack running on :3000-3002"
  npm run --silent build # reconcile and the bench run from dist/ (stack.sh builds when it starts the stack)
else
  for entry in "${SERVICES[@]}"; do pid_alive "$RUN/${entry%%:*}.pid" || started+=("${entry%%:*}"); done
  trap stop_started EXIT
  bash scripts/stack.sh up
fi

mkdir -p bench-results
export RUN_ID=${RUN_ID:-$(date +%s)}
if [ "$scenario" = bench ]; then
  node dist/scripts/bench/run.js "$@"
  exit
fi

k6_status=0
summary="bench-results/$scenario-summary.json"
rm -f "$summary" # never reconcile the activity of an earlier run
"$K6" run --quiet "${K6_VARS[@]}" -e RUN_ID="$RUN_ID" -e SUMMARY_DIR=bench-results "$@" \
  "loadtest/$scenario.js" || k6_status=$?
activity=$(node -p "require('./$summary').summary.setup.activityId" 2>/dev/null) ||
  die "k6 wrote no summary ($summary); k6 exit status $k6_status"

# Invariants 1–6 for the activity the scenario sold; waits (polling) until the services are done.
reconcile_status=0
node dist/scripts/reconcile.js "$activity" --settle 90 || reconcile_status=$?
if [ "$k6_status" -ne 0 ] || [ "$reconcile_status" -ne 0 ]; then
  say "$scenario FAILED (k6 exit $k6_status, reconcile exit $reconcile_status); report: bench-results/$scenario-report.txt"
  exit 1
fi
say "$scenario passed: thresholds held, invariants hold (activity $activity); report: bench-results/$scenario-report.txt"
