#!/usr/bin/env bash
# `npm run test:faults`: runs sales while processes are killed, brokers stopped and topics replayed.
# It uses its own infrastructure (INFRA_PROFILE=faults: other ports, data in .local/faults) so that
# stopping Kafka, Redis or PostgreSQL never disturbs the stack or the other tests, and stops it at the end.
# Results: one JSON line per fault in .local/fault-results.jsonl (the table of docs/reliability.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_node_modules
export INFRA_PROFILE=faults
export REDIS_URL=redis://127.0.0.1:16379
export DATABASE_URL=postgres://seckill:seckill@127.0.0.1:15432/seckill
export KAFKA_BROKERS=127.0.0.1:19092
export E2E_PORT_BASE=4100
trap 'bash scripts/infra.sh down' EXIT
build_and_migrate
rm -f .local/fault-results.jsonl

status=0
bash scripts/jest.sh --selectProjects faults --runInBand --forceExit --json --outputFile=.local/jest-faults.json "$@" || status=$?
jest_summary faults .local/jest-faults.json "$status"
exit $status
