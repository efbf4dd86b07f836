import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stockKeys } from '@app/stock';
import { INVARIANT } from '@app/reconcile';
import { ReconcileFixtures } from '../../support/reconcile-fixtures';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/apps/ops/src/reconcile.js');

describe('the reconcile command (real Redis and PostgreSQL)', () => {
  const fixtures = ReconcileFixtures.forSpec();

  /** Runs the built CLI as `npm run reconcile` would; resolves with its exit code whatever it is. */
  function reconcile(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      execFile(process.execPath, [CLI, ...args], { cwd: ROOT }, (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      });
    });
  }

  beforeAll(() => {
    // `npm test` builds before running jest; run alone, this suite needs `npm run build` first.
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  });

  it('when the sale adds up, then it prints every check ticked and exits 0', async () => {
    const sale = await fixtures.seedConsistentSale();
    const { code, stdout } = await reconcile(String(sale.id), '--settle', '5');
    expect(stdout).toContain(`✓ ${INVARIANT.conservation}: remaining 7 + sold 3 = 10 = stock 10`);
    expect(stdout).toContain('OK: invariants 1–7 hold');
    expect(code).toBe(0);
  });

  it('when asked for JSON, then it prints the report as JSON', async () => {
    const sale = await fixtures.seedConsistentSale();
    const { code, stdout } = await reconcile(String(sale.id), '--json');
    expect(JSON.parse(stdout)).toMatchObject({ activityId: sale.id, ok: true, quiet: true });
    expect(code).toBe(0);
  });

  it('when stock leaked, then it prints the failed check and exits 1', async () => {
    const sale = await fixtures.seedConsistentSale();
    await fixtures.redis.set(stockKeys(sale.id).stock, 6);
    const { code, stdout } = await reconcile(String(sale.id), '--settle', '5');
    expect(stdout).toContain(`✗ ${INVARIANT.conservation}`);
    expect(stdout).toContain('BREACH: 1 of 7 checks failed');
    expect(code).toBe(1);
  });

  it('when the activity does not exist or the id is not one, then it exits 2', async () => {
    await expect(reconcile('2147483647')).resolves.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/does not exist/),
    });
    await expect(reconcile('not-an-id')).resolves.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/usage/),
    });
  });
});
