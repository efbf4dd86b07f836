# The environment of `npm test` (sourced by scripts/test.sh): infrastructure and service ports of its own,
# apart from the stack on the default ports that `npm run demo` and `npm run stack:up` leave running.
# Every port stays below 32768, where Linux starts handing out client ports: a server's port in that range
# can be taken by a client's connection first.
OFFSET=2000
export INFRA_PROFILE=test INFRA_PORT_OFFSET=$OFFSET
export REDIS_URL=redis://127.0.0.1:$((6379 + OFFSET))
export DATABASE_URL=postgres://seckill:seckill@127.0.0.1:$((5432 + OFFSET))/seckill
export KAFKA_BROKERS=127.0.0.1:$((9092 + OFFSET))
# Services started in-process by the integration specs; the e2e ones use E2E_PORT_BASE (4000 by default).
export GATEWAY_PORT=3310 ORDER_SERVICE_PORT=3311 CANCEL_SERVICE_PORT=3312
# The payment provider the payment specs start, and where it calls the order-service back.
export PAYMENT_PROVIDER_PORT=3313 PAYMENT_PROVIDER_URL=http://127.0.0.1:3313
export PAYMENT_CALLBACK_URL=http://127.0.0.1:3311/api/payments/callbacks
