import { spawnSync } from 'node:child_process';

/**
 * `scripts/stack.sh up`: builds, brings the infrastructure up, migrates and starts the three services,
 * reusing whatever already runs, and returns once every /health is green. Its own output is shown only
 * when it fails; otherwise one line says what it did.
 */
export function stackUp(root: string): string {
  const result = spawnSync('bash', ['scripts/stack.sh', 'up'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`scripts/stack.sh up failed:\n${result.stdout}${result.stderr}`);
  }
  const lines = result.stdout.split('\n');
  const reused = lines.filter((l) => / already running /.test(l)).map((l) => l.split(':')[1].trim());
  const fresh = ['gateway', 'order-service', 'cancel-service'].filter((s) => !reused.includes(s));
  const started = fresh.length > 0 ? `started ${fresh.join(', ')}` : 'all three services were running';
  return `stack: up (${started}; logs in .local/logs/)`;
}
