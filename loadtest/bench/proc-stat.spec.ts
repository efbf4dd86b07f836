import { readFileSync } from 'node:fs';
import { parseCpuTicks, threadsCpuMs } from './proc-stat';

describe('/proc/<pid>/stat', () => {
  it('when read, then utime + stime are fields 14 and 15', () => {
    const stat = '4242 (wrk) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 37 0 0 20 0 3 0 100 0 0';
    expect(parseCpuTicks(stat)).toBe(287);
  });

  it('when the command name holds spaces and parentheses, then the fields are still counted right', () => {
    const stat = '7 (node (bench) x) R 1 7 7 0 -1 0 0 0 0 0 11 4 0 0 20 0 1 0 5 0 0';
    expect(parseCpuTicks(stat)).toBe(15);
  });

  it('when the text is not a stat line, then it says so instead of returning NaN', () => {
    expect(() => parseCpuTicks('nonsense')).toThrow(/not a \/proc/);
  });
});

describe("CPU of a process's threads by name (/proc/<pid>/task)", () => {
  const mainThread = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
  const burn = () => {
    const until = Date.now() + 300;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    return x;
  };

  it('when the named thread works, then its CPU time grows by about the work done', () => {
    const name = new RegExp(`^${mainThread.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm');
    const before = threadsCpuMs(process.pid, name);
    burn();
    expect(threadsCpuMs(process.pid, name) - before).toBeGreaterThanOrEqual(100);
  });

  it('when no thread has the name, or the process is gone, then it is 0', () => {
    burn();
    expect(threadsCpuMs(process.pid, /^no thread is called this$/)).toBe(0);
    expect(threadsCpuMs(2 ** 22 + 1, /./)).toBe(0);
  });
});
