#!/usr/bin/env bash
# `npm test`: works on a fresh clone with nothing running.
# Installs dependencies if missing, builds (type-checks), brings the local infrastructure up (reusing
# whatever already runs), migrates, then runs the unit and integration projects against the real
# Redis, PostgreSQL and Kafka. Extra arguments go to jest (e.g. `npm test -- --selectProjects unit`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_node_modules --fresh
build_and_migrate
# The dashboard's browser test drives Debian's Chromium (headless).
CHROMIUM_PATH=$(bash scripts/infra.sh browser)
# The Prometheus configuration and alert rules are checked (and their tests run) by promtool.
PROMTOOL_PATH=$(bash scripts/infra.sh promtool)
export CHROMIUM_PATH PROMTOOL_PATH

mkdir -p .local
status=0
# --forceExit: a leaked handle in one spec must not hang the whole run (and CI) after it has finished.
bash scripts/jest.sh --selectProjects unit integration e2e --runInBand --forceExit --json --outputFile=.local/jest-results.json "$@" || status=$?
jest_summary tests .local/jest-results.json "$status"
exit $status
