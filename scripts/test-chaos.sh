#!/usr/bin/env bash
# `npm run test:chaos`: spikes of thousands of buyers while a service or a dependency is killed (-9), frozen
# (SIGSTOP), cut off mid-reply or slowed (toxiproxy), or Redis loses its data; each whole history is judged.
# Some winners pay through the payment provider meanwhile (its callbacks duplicated and delayed; some pay
# twice or late, so refunds happen): the money (reconcile's invariant 7, against the provider's statement)
# must hold after every case too.
# Its own infrastructure (INFRA_PROFILE=chaos: ports + 20000, data in .local/chaos) and its own toxiproxy,
# stopped at the end. The gateway reaches Redis and every service reaches Kafka through toxiproxy; the
# broker advertises the proxy's port, so reconnections go through it too.
# One fault at a time: npm run test:chaos -- -t "kill -9 of redis"
# Results: one JSON line per fault in .local/chaos-results.jsonl, printed as a table at the end.
set -euo pipefail
LOG_NAME=chaos
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_node_modules
OFFSET=20000
export INFRA_PROFILE=chaos INFRA_PORT_OFFSET=$OFFSET
REDIS_PORT=$((6379 + OFFSET)) KAFKA_PORT=$((9092 + OFFSET))
REDIS_PROXY_PORT=$((6380 + OFFSET)) KAFKA_PROXY_PORT=$((9094 + OFFSET)) TOXIPROXY_PORT=$((8474 + OFFSET))
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export DATABASE_URL=postgres://seckill:seckill@127.0.0.1:$((5432 + OFFSET))/seckill
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PROXY_PORT KAFKA_ADVERTISED_PORT=$KAFKA_PROXY_PORT
export TOXIPROXY_URL=http://127.0.0.1:$TOXIPROXY_PORT CHAOS_REDIS_PROXY_URL=redis://127.0.0.1:$REDIS_PROXY_PORT
export E2E_PORT_BASE=4400

toxiproxy_pid=""
cleanup() {
  bash scripts/infra.sh down || true
  [ -z "$toxiproxy_pid" ] || kill "$toxiproxy_pid" 2>/dev/null || true
}
trap cleanup EXIT

mkdir -p .local/chaos .local/logs
cat >.local/chaos/toxiproxy.json <<EOF
[
  { "name": "redis", "listen": "127.0.0.1:$REDIS_PROXY_PORT", "upstream": "127.0.0.1:$REDIS_PORT", "enabled": true },
  { "name": "kafka", "listen": "127.0.0.1:$KAFKA_PROXY_PORT", "upstream": "127.0.0.1:$KAFKA_PORT", "enabled": true }
]
EOF
# Up before Kafka: the broker's readiness check already reaches it through the advertised (proxy) port.
toxiproxy_answers() { curl -sf "$TOXIPROXY_URL/version" >/dev/null; }
toxiproxy_answers && die "$TOXIPROXY_URL already answers: stop that toxiproxy first (its proxies would not be ours)"
# Built (on a new machine, downloaded and compiled) before it is started: the wait below is for the server only.
TOXIPROXY_SERVER=$(bash scripts/infra.sh toxiproxy)
LOG_LEVEL=warn "$TOXIPROXY_SERVER" -host 127.0.0.1 -port "$TOXIPROXY_PORT" -config .local/chaos/toxiproxy.json \
  >.local/logs/chaos-toxiproxy.log 2>&1 &
toxiproxy_pid=$!
wait_until "toxiproxy (.local/logs/chaos-toxiproxy.log)" 10 toxiproxy_answers
build_and_migrate
rm -f .local/chaos-results.jsonl

status=0
bash scripts/jest.sh --selectProjects chaos --runInBand --forceExit --json --outputFile=.local/jest-chaos.json "$@" || status=$?
node -e '
  const { existsSync, readFileSync } = require("node:fs");
  const rows = existsSync(".local/chaos-results.jsonl")
    ? readFileSync(".local/chaos-results.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [];
  const cols = ["fault", "ok", "answers", "orders", "lost", "duplicated", "oversold", "takenDespite503", "failed", "stuck", "payments", "recoveryMs"];
  const counts = (o) => Object.entries(o ?? {}).map(([k, n]) => `${n}×${k}`).join(" ");
  const cell = (r, c) => c === "answers" || c === "payments" ? counts(r[c]) : String(r[c]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (cells) => cells.map((s, i) => s.padEnd(width[i])).join(" | ");
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => cell(r, c))));
' || true
jest_summary chaos .local/jest-chaos.json "$status"
exit $status
