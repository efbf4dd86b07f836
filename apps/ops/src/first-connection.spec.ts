import { Clock, firstConnection, waitSeconds } from './first-connection';

/** Time that passes only when slept, and a dependency that answers from a given moment on. */
function fakes(answersAtMs: number) {
  let now = 0;
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const attempts: number[] = [];
  const connect = async () => {
    attempts.push(now);
    if (now < answersAtMs) throw new Error('connect ECONNREFUSED 172.18.0.3:5432');
    return 'connection';
  };
  const lines: string[] = [];
  return { clock, connect, attempts, lines, log: (line: string) => lines.push(line), elapsed: () => now };
}

describe('firstConnection', () => {
  it('when the database takes connections after 2.5 s, then setup connects then, having said what it waits for', async () => {
    const f = fakes(2_500);
    await expect(firstConnection('PostgreSQL', f.connect, 60_000, f)).resolves.toBe('connection');
    expect(f.attempts).toEqual([0, 1_000, 2_000, 3_000]);
    expect(f.lines).toHaveLength(3);
    expect(f.lines[0]).toBe(
      'PostgreSQL not reachable yet (connect ECONNREFUSED 172.18.0.3:5432); retrying for 60 s more',
    );
  });

  it('when it never answers, then setup gives up once the wait is over, with the last reason', async () => {
    const f = fakes(Infinity);
    await expect(firstConnection('PostgreSQL', f.connect, 10_500, f)).rejects.toThrow(
      'PostgreSQL unreachable (12 attempts in 10.5 s): connect ECONNREFUSED 172.18.0.3:5432',
    );
    expect(f.elapsed()).toBe(10_500);
  });

  it('when no wait is given, then one attempt, and the error says what was unreachable', async () => {
    const f = fakes(Infinity);
    await expect(firstConnection('Kafka', f.connect, 0, f)).rejects.toThrow(
      /^Kafka unreachable: connect ECONNREFUSED/,
    );
    expect(f.attempts).toEqual([0]);
    expect(f.lines).toEqual([]);
  });
});

describe('waitSeconds', () => {
  it('when --wait is given, then its seconds; without it, none', () => {
    expect(waitSeconds(['--wait', '60'])).toBe(60);
    expect(waitSeconds([])).toBe(0);
  });

  it.each(
    [['--wait'], ['--wait', '0'], ['--wait', '1.5'], ['--wait', '601'], ['60'], ['--wait', '60', 'x']].map(
      (argv) => [argv.join(' '), argv] as const,
    ),
  )('when the arguments are "%s", then they are refused with the usage', (_, argv) => {
    expect(() => waitSeconds([...argv])).toThrow('--wait <seconds>');
  });
});
