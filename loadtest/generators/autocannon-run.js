// autocannon (MIT), run for the bench's load-generator comparison only (loadtest/bench/generators.ts):
// the same requests as loadtest/wrk/purchase.lua — one POST per token of AC_TOKENS, each a distinct
// buyer — over AC_CONNECTIONS connections. Prints `ac-ready` before the first request and `ac-finished`
// plus one JSON line after the last answer, then waits for SIGTERM, so that the parent can read this
// process's CPU time from /proc at both moments.
const { readFileSync } = require('node:fs');

const env = process.env;
const autocannon = require(env.AC_MODULE);
const tokens = readFileSync(env.AC_TOKENS, 'utf8').split('\n').filter(Boolean);
let next = 0;

process.stdout.write('ac-ready\n');
const instance = autocannon({
  url: env.AC_URL,
  connections: Number(env.AC_CONNECTIONS),
  amount: tokens.length,
  timeout: 60,
  requests: [
    {
      method: 'POST',
      path: env.AC_PATH,
      headers: { 'content-type': 'application/json' },
      body: '{"quantity":1}',
      setupRequest: (req) => ({
        ...req,
        headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
      }),
    },
  ],
});
instance.on('done', (result) => {
  const { requests, latency, statusCodeStats, errors, timeouts, duration } = result;
  process.stdout.write('ac-finished\n');
  process.stdout.write(
    `${JSON.stringify({ requests: requests.total, durationS: duration, p99: latency.p99, statusCodeStats, errors, timeouts })}\n`,
  );
  setInterval(() => {}, 60_000);
});
process.on('SIGTERM', () => process.exit(0));
