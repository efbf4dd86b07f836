import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFUSALS } from '@app/contracts';

/** The codes reserve.lua answers that are not refusals: reserved, a retry's first answer, and two internal ones. */
const NOT_REFUSALS = ['OK', 'DUPLICATE', 'ABANDONED', 'SHARDED'];

const returnedCodes = (script: string) =>
  [...readFileSync(join(__dirname, script), 'utf8').matchAll(/return \{'([A-Z_]+)'/g)].map((m) => m[1]);

describe('reserve.lua speaks the refusal table’s names', () => {
  const codes = returnedCodes('reserve.lua');

  it('returns codes at all (the pattern still finds them)', () => {
    expect(codes).toEqual(expect.arrayContaining(['OK', 'SOLD_OUT', 'IDEMPOTENCY_KEY_REUSED']));
  });

  it('every code it can return is either one of its own outcomes or a refusal of libs/contracts’ table', () => {
    const unknown = codes.filter((code) => !NOT_REFUSALS.includes(code) && !(code in REFUSALS));
    expect(unknown).toEqual([]);
  });
});
