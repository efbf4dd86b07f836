/* global __ENV */
// Every knob of the scenarios, from `k6 run -e NAME=value` or the environment. The runner
// (scripts/loadtest.sh) passes the services' own values (.env, else .env.example), so the secrets match.

export const GATEWAY_URL = __ENV.GATEWAY_URL || 'http://127.0.0.1:3000';
export const ORDERS_URL = __ENV.ORDERS_URL || 'http://127.0.0.1:3001';
export const JWT_SECRET = __ENV.JWT_SECRET || 'local-dev-jwt-secret-change-me';
export const ADMIN_TOKEN = __ENV.ADMIN_TOKEN || 'local-dev-admin-token-change-me';
// Buyer ids embed the run id, so a second run never collides with the buyers of the first.
export const RUN_ID = __ENV.RUN_ID || `${Date.now()}`;
// Where handleSummary writes <SUMMARY_NAME>-summary.json and <SUMMARY_NAME>-report.txt.
export const SUMMARY_DIR = __ENV.SUMMARY_DIR || 'bench-results';

/** A numeric knob with its default; a typo fails the run at once instead of measuring nonsense. */
export function num(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0, got "${raw}"`);
  return value;
}

export function str(name, fallback) {
  return __ENV[name] || fallback;
}
