# The helpers every script in scripts/ shares; sourced, never run. Set LOG_NAME before sourcing to name the
# script in its messages (default: the script's file name). No external command runs at source time.
# Messages go to stderr: `infra.sh browser|wrk|toxiproxy|promtool` return a path on stdout, which callers capture.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOG_NAME=${LOG_NAME:-${0##*/}}
LOG_NAME=${LOG_NAME%.sh}

say() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; }
die() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_alive() { [ -f "$1" ] && kill -0 "$(head -n 1 "$1")" 2>/dev/null; }
is_root() { [ "$(id -u)" = 0 ]; }

# wait_until <what> <seconds> <command...>: poll every 0.25 s until the command succeeds, or die.
wait_until() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "$what did not become ready within ${seconds}s (logs under ${LOCAL:-$ROOT/.local})"
    sleep 0.25
  done
}

# stop_pid <pid> <seconds>: SIGTERM (a graceful stop: services drain their batches), SIGKILL past the delay.
stop_pid() {
  local pid=$1 deadline=$((SECONDS + $2))
  kill "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}

# ensure_node_modules [--fresh]: install when missing (with --fresh, also when package-lock.json is newer).
ensure_node_modules() {
  if [ ! -d "$ROOT/node_modules" ] ||
    { [ "${1:-}" = --fresh ] && [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; }; then
    (cd "$ROOT" && npm ci --no-audit --no-fund >&2)
  fi
}

# What every suite and tool needs first: a build, the infrastructure of INFRA_PROFILE, the schema.
build_and_migrate() {
  (cd "$ROOT" && npm run --silent build)
  bash "$ROOT/scripts/infra.sh" up
  node "$ROOT/dist/apps/ops/src/migrate.js"
}

# jest_summary <label> <jest --json output> [jest's exit status]: one plain closing line, whatever the
# reporter printed above it (and jest's status when it failed outside any test, e.g. a suite that exited).
jest_summary() {
  node -e '
    const r = require(process.argv[2]);
    const status = Number(process.argv[3] || 0);
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    const outside = status !== 0 && failed === 0 ? ` (jest exited ${status})` : "";
    console.log(`${process.argv[1]}: ${r.numPassedTests} passed, ${failed} failed${outside}`);
  ' "$1" "$(cd "$(dirname "$2")" && pwd)/${2##*/}" "${3:-0}" || true
}
