/**
 * A buyer's id (the token's `sub`). It ends up in Redis keys and reservation records (`|`-separated),
 * log lines and SQL parameters, so it is short and plain: the same rule at the HTTP edge and on Kafka.
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9._@:-]{1,64}$/;
