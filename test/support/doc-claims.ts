import { ShellAnswer } from './shell-session';

/**
 * What a comment in the docs claims a command answers, in the few forms the docs use:
 *   `202`                   the HTTP status
 *   `{"orderId":"…"}`       a JSON body with these fields; `…` stands for any value
 *   `CREATED`, `PAID`       a value of the JSON body (its `status`)
 *   `+ orderId`             a field of the body, equal to the one an earlier answer gave
 *   `invariants 1–6 ✓`      reconcile's checks 1 to 6 each passed
 * Anything else cannot be checked, and says so: a claim is taught here or marked illustrative.
 */
export interface Claim {
  status?: number;
  json?: Record<string, unknown>;
  values: string[];
  fields: string[];
  invariants?: [number, number];
}

const ANY = '…';

export function parseClaim(text: string): Claim {
  const claim: Claim = { values: [], fields: [] };
  let rest = text;
  const take = (pattern: RegExp, use: (m: RegExpExecArray) => void) => {
    const m = pattern.exec(rest);
    if (!m) return;
    use(m);
    rest = rest.replace(m[0], ' ');
  };
  take(/^\s*(\d{3})\b/, (m) => (claim.status = Number(m[1])));
  take(/\{.*\}/, (m) => (claim.json = JSON.parse(m[0]) as Record<string, unknown>));
  take(/invariants (\d+)[–-](\d+) ✓/, (m) => (claim.invariants = [Number(m[1]), Number(m[2])]));
  for (const m of rest.matchAll(/\+\s*([a-z]\w*)/g)) claim.fields.push(m[1]);
  rest = rest.replace(/\+\s*[a-z]\w*/g, ' ');
  for (const m of rest.matchAll(/\b[A-Z][A-Z_]{2,}\b/g)) claim.values.push(m[0]);
  rest = rest.replace(/\b[A-Z][A-Z_]{2,}\b/g, ' ');
  if (rest.trim() !== '') throw new Error(`cannot check "${rest.trim()}" of the claim "${text}"`);
  return claim;
}

function bodyOf(answer: ShellAnswer): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(answer.stdout);
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What of the claim the answer does not bear out (empty: it holds). Every command must succeed; a curl
 * whose claim names no status must answer 2xx. `known` holds fields earlier answers gave (`+ orderId`).
 */
export function unmet(
  claim: Claim | undefined,
  answer: ShellAnswer,
  known: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  const said = `answered ${answer.httpStatus ?? ''} ${answer.stdout.trim()} ${answer.stderr.trim()}`.trim();
  if (answer.exitCode !== 0) problems.push(`exited with ${answer.exitCode}`);
  const status = claim?.status;
  if (status !== undefined ? answer.httpStatus !== status : answer.httpStatus && answer.httpStatus >= 300) {
    problems.push(`HTTP ${answer.httpStatus ?? 'nothing'}, not ${status ?? '2xx'}`);
  }
  const body = bodyOf(answer);
  const needsBody = claim && (claim.json || claim.values.length > 0 || claim.fields.length > 0);
  if (needsBody && !body) problems.push('no JSON body');
  if (claim && body) {
    for (const [key, value] of Object.entries(claim.json ?? {})) {
      if (!(key in body)) problems.push(`no "${key}"`);
      else if (value !== ANY && body[key] !== value)
        problems.push(`"${key}" is ${String(body[key])}, not ${String(value)}`);
    }
    const values = Object.values(body);
    for (const value of claim.values) if (!values.includes(value)) problems.push(`no field is ${value}`);
    for (const field of claim.fields) {
      if (body[field] === undefined) problems.push(`no "${field}"`);
      else if (known[field] !== undefined && body[field] !== known[field]) {
        problems.push(`"${field}" is ${String(body[field])}, not ${String(known[field])} as before`);
      }
    }
  }
  const [first, last] = claim?.invariants ?? [1, 0];
  for (let n = first; n <= last; n++) {
    if (!new RegExp(`✓ ${n} `).test(answer.stdout)) problems.push(`invariant ${n} not ✓`);
  }
  if (claim?.invariants && answer.stdout.includes('✗')) problems.push('a check ✗');
  return problems.length > 0 ? [`${problems.join('; ')} (${said})`] : [];
}
