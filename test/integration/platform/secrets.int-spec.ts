import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { signBuyerToken } from '@app/auth';
import { EXAMPLE_ADMIN_TOKEN, EXAMPLE_JWT_SECRET } from '@app/config';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/private-redis';

const ROOT = join(__dirname, '../../..');
const GATEWAY = join(ROOT, 'dist/apps/gateway/src/main.js');
// A directory without a .env, so only the variables given here count.
const CWD = mkdtempSync(join(tmpdir(), 'seckill-secrets-'));

interface Run {
  child: ChildProcess;
  /** The exit code, or the signal that ended the process. */
  exited: Promise<number | NodeJS.Signals | null>;
  stderr: () => string;
}

function startGateway(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [GATEWAY], {
    cwd: CWD,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, exited, stderr: () => stderr };
}

const ownSecret = () => randomBytes(32).toString('base64url');

describe('secrets come from configuration, and production refuses the examples', () => {
  beforeAll(() => {
    if (!existsSync(GATEWAY)) throw new Error(`${GATEWAY} is missing: run \`npm run build\` first`);
  });

  it.each([
    [
      'both example secrets',
      { JWT_SECRET: EXAMPLE_JWT_SECRET, ADMIN_TOKEN: EXAMPLE_ADMIN_TOKEN },
      /JWT_SECRET.*ADMIN_TOKEN/,
    ],
    ['the example JWT_SECRET', { JWT_SECRET: EXAMPLE_JWT_SECRET, ADMIN_TOKEN: ownSecret() }, /JWT_SECRET/],
    ['the example ADMIN_TOKEN', { JWT_SECRET: ownSecret(), ADMIN_TOKEN: EXAMPLE_ADMIN_TOKEN }, /ADMIN_TOKEN/],
    ['an open dashboard', { JWT_SECRET: ownSecret(), ADMIN_TOKEN: ownSecret() }, /DASHBOARD_TOKEN/],
  ])(
    'when production starts with %s, then it exits non-zero with one line naming it',
    async (_name, secrets, named) => {
      const run = startGateway({
        NODE_ENV: 'production',
        GATEWAY_PORT: String(await freePort()),
        ...paymentSecrets(),
        ...secrets,
      });
      expect(await run.exited).toBe(78);
      const lines = run.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^gateway: invalid configuration: /);
      expect(lines[0]).toMatch(named);
      expect(lines[0]).toMatch(/refused in production/);
    },
  );

  it('when production has its own secrets, then it starts, refuses tokens signed with the example secret, and stops cleanly', async () => {
    const port = await freePort();
    const jwtSecret = ownSecret();
    const run = startGateway({
      NODE_ENV: 'production',
      GATEWAY_PORT: String(port),
      JWT_SECRET: jwtSecret,
      ADMIN_TOKEN: ownSecret(),
      ...paymentSecrets(),
      DASHBOARD_TOKEN: ownSecret(),
    });
    const url = `http://127.0.0.1:${port}`;
    let exitCode: number | NodeJS.Signals | null | undefined;
    void run.exited.then((code) => (exitCode = code));
    await eventually(
      async () => {
        if (exitCode !== undefined) throw new Error(`gateway exited with ${exitCode}: ${run.stderr()}`);
        return (await fetch(`${url}/health/live`)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const call = (secret: string) =>
      fetch(`${url}/api/seckill/1/result`, {
        headers: { authorization: `Bearer ${signBuyerToken('alice', secret)}` },
      });
    expect((await call(EXAMPLE_JWT_SECRET)).status).toBe(401);
    expect((await call(jwtSecret)).status).toBe(200);
    run.child.kill('SIGTERM');
    // Nest's shutdown hooks close the app, then re-raise the signal: a clean stop ends by SIGTERM, not a crash.
    expect([0, 'SIGTERM']).toContain(await run.exited);
  });

  it('when apps/ and libs/ are searched, then only libs/config reads process.env', () => {
    const readers = sourceFiles(join(ROOT, 'apps'))
      .concat(sourceFiles(join(ROOT, 'libs')))
      .filter((file) => !relative(ROOT, file).startsWith(join('libs', 'config', 'src')))
      .filter((file) =>
        /process\s*(\.\s*env\b|\[\s*['"`]env['"`]\s*\])|\benv\s*}\s*=\s*process\b/.test(
          readFileSync(file, 'utf8'),
        ),
      )
      .map((file) => relative(ROOT, file));
    expect(readers).toEqual([]);
  });
});

/** Production refuses the example payment secrets too: these cases are about the two above. */
function paymentSecrets(): Record<string, string> {
  return { PAYMENT_PROVIDER_API_KEY: ownSecret(), PAYMENT_WEBHOOK_SECRET: ownSecret() };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}
