#!/usr/bin/env bash
# `npm test`: works on a fresh clone with nothing running, and beside a running stack (`npm run demo` leaves
# one up): the tests use infrastructure of their own (INFRA_PROFILE=test: Redis :8379, PostgreSQL :7432,
# Kafka :11092, data in .local/test) and ports of their own, so they share no topic, database or service with
# the stack and stop nothing of it. That infrastructure stays up for the next run (reused);
# `INFRA_PROFILE=test INFRA_PORT_OFFSET=2000 bash scripts/infra.sh down` stops it.
# Installs dependencies if missing, builds (type-checks), brings that infrastructure up, migrates, then runs
# the unit, integration and e2e projects against the real Redis, PostgreSQL and Kafka. Extra arguments go
# to jest (e.g. `npm test -- --selectProjects unit`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_node_modules --fresh
# The dashboard's browser test drives Debian's Chromium (headless).
CHROMIUM_PATH=$(bash scripts/infra.sh browser)
# The Prometheus configuration and alert rules are checked (and their tests run) by promtool.
PROMTOOL_PATH=$(bash scripts/infra.sh promtool)
export CHROMIUM_PATH PROMTOOL_PATH
source scripts/infra/test-env.sh
build_and_migrate

mkdir -p .local
status=0
# --forceExit: a leaked handle in one spec must not hang the whole run (and CI) after it has finished.
bash scripts/jest.sh --selectProjects unit integration e2e --runInBand --forceExit --json --outputFile=.local/jest-results.json "$@" || status=$?
jest_summary tests .local/jest-results.json "$status"
exit $status
