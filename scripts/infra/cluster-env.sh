# The services' configuration for INFRA_PROFILE=cluster (sourced by scripts/stack.sh and scripts/test-cluster.sh).
export INFRA_PROFILE=cluster
export REDIS_CLUSTER_NODES=127.0.0.1:27001,127.0.0.1:27002,127.0.0.1:27003
export DATABASE_URL=postgres://seckill:seckill@127.0.0.1:25532/seckill
export KAFKA_BROKERS=127.0.0.1:29192,127.0.0.1:29193,127.0.0.1:29194
export KAFKA_REPLICATION_FACTOR=3 KAFKA_MIN_INSYNC_REPLICAS=2
