import { spawnSync } from 'node:child_process';

/**
 * `scripts/stack.sh up` (`--cluster`: the cluster profile, two of each): builds, brings the infrastructure
 * up, migrates and starts the services, reusing whatever already runs, and returns once every /health is green. Its own output is shown only
 * when it fails; otherwise one line says what it did.
 */
export function stackUp(root: string, cluster = false): string {
  const args = ['scripts/stack.sh', 'up', ...(cluster ? ['--cluster'] : [])];
  const result = spawnSync('bash', args, { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`scripts/stack.sh ${args.slice(1).join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
  if (cluster)
    return `stack: cluster profile up (${CLUSTER_STACK.gateways.join(', ')}; logs in .local/cluster/logs/)`;
  // stack.sh says what it did on stderr ("stack: gateway: already running (pid …)").
  const lines = result.stderr.split('\n');
  const reused = lines.filter((l) => / already running /.test(l)).map((l) => l.split(':')[1].trim());
  const fresh = ['gateway', 'order-service', 'cancel-service', 'payment-provider'].filter(
    (s) => !reused.includes(s),
  );
  const started = fresh.length > 0 ? `started ${fresh.join(', ')}` : 'all four services were running';
  const profile = process.env.INFRA_PROFILE;
  return `stack: up (${started}; logs in .local/${profile ? `${profile}/` : ''}logs/)`;
}

/** The cluster profile's services as `scripts/stack.sh up --cluster` starts them: two of each. */
export const CLUSTER_STACK = {
  gateways: ['http://127.0.0.1:3100', 'http://127.0.0.1:3101'],
  ports: { GATEWAY_PORT: '3100', ORDER_SERVICE_PORT: '3110', CANCEL_SERVICE_PORT: '3120' },
};

/**
 * The environment of the cluster profile (scripts/infra/cluster-env.sh, the one list of its settings)
 * with the first instance of each service as this process's addresses, for a cluster scenario.
 */
export function clusterEnv(root: string): Record<string, string> {
  const result = spawnSync('bash', ['-c', 'source scripts/infra/cluster-env.sh && env -0'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`scripts/infra/cluster-env.sh failed: ${result.stderr}`);
  const entries = result.stdout
    .split('\0')
    .filter((line) => line.includes('='))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return { ...Object.fromEntries(entries), ...CLUSTER_STACK.ports };
}
