#!/usr/bin/env bash
# `npm run test:cluster`: the sale, then failovers under load (kill -9 of a Redis master, of a Kafka broker,
# of one instance of each service) on INFRA_PROFILE=cluster: a Redis Cluster of 3 masters + 3 replicas,
# three KRaft Kafka brokers (replication 3, min.insync.replicas 2) and PostgreSQL, started here and stopped
# at the end. Results: one JSON line per failover in .local/cluster-results.jsonl (docs/reliability.md).
# Then the walkthrough's cluster scenario (`npm run scenario -- cluster-failover`) on the same infrastructure,
# with the cluster stack's services (scripts/stack.sh up --cluster), which the end stops with it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_node_modules
source scripts/infra/cluster-env.sh
export E2E_PORT_BASE=4700 FAULT_RESULTS=.local/cluster-results.jsonl
trap 'bash scripts/stack.sh down --cluster' EXIT
build_and_migrate
rm -f "$FAULT_RESULTS"

started=$SECONDS status=0
bash scripts/jest.sh --selectProjects cluster --runInBand --forceExit "$@" || status=$?
echo "cluster: suite took $((SECONDS - started)) s (infrastructure up before that)"
started=$SECONDS
node dist/tools/scenarios/main.js cluster-failover || status=$?
echo "cluster: scenario cluster-failover took $((SECONDS - started)) s"
exit $status
