import { randomBytes } from 'node:crypto';
import { isSolution, solve } from '../../apps/gateway/src/defences/proof-of-work';

/**
 * What the challenge costs (node dist/loadtest/bench/proof-of-work.js [maxBits]): the buyer's time to solve
 * it at each difficulty (median of several challenges: the work is random, about 2^bits hashes), and the
 * gateway's time to check one solution. Prints one JSON line per difficulty.
 */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const maxBits = Number(process.argv[2] ?? 20);
  for (let bits = 8; bits <= maxBits; bits += 2) {
    const times: number[] = [];
    const solutions: [string, string][] = [];
    const rounds = bits >= 18 ? 5 : 15;
    for (let i = 0; i < rounds; i++) {
      const challenge = randomBytes(48).toString('base64url');
      const started = performance.now();
      solutions.push([challenge, solve(challenge, bits)]);
      times.push(performance.now() - started);
    }
    const checks = 20_000;
    const started = performance.now();
    for (let i = 0; i < checks; i++) {
      const [challenge, solution] = solutions[i % solutions.length];
      if (!isSolution(challenge, solution, bits)) throw new Error('a solution did not check');
    }
    const verifyUs = ((performance.now() - started) * 1000) / checks;
    process.stdout.write(
      JSON.stringify({
        bits,
        solveMsMedian: Math.round(median(times)),
        verifyUs: Number(verifyUs.toFixed(2)),
      }) + '\n',
    );
  }
}

main();
