import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * utime + stime (clock ticks) from the text of /proc/<pid>/stat. The command name (field 2) may hold
 * spaces and parentheses, so fields are counted from after its last ')'.
 */
export function parseCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  return ticks;
}

/**
 * How long a process's main thread has waited for a core so far (ms; the second field of
 * /proc/<pid>/schedstat: time runnable but not running), null once it is gone. On a shared machine this is
 * the latency no setting of the process can remove.
 */
export function runQueueWaitMs(pid: number): number | null {
  try {
    const waitedNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(waitedNs) ? waitedNs / 1e6 : null;
  } catch {
    return null;
  }
}

let ticksPerSecond: number | undefined;

/** Clock ticks (the unit of /proc's CPU times) in ms. */
function ticksToMs(ticks: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return (ticks * 1000) / ticksPerSecond;
}

/** CPU time (user + system, ms) a live process has used so far; null once it is gone. */
export function cpuMs(pid: number): number | null {
  let ticks: number;
  try {
    ticks = parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
  return ticksToMs(ticks);
}

/** Processes in named groups (a service, Redis, PostgreSQL's postmaster and backends, Kafka), pids by name. */
export type ProcessGroups = Record<string, number[]>;

/** CPU time (ms) each group has used so far, summed over its live pids. */
export function groupCpuMs(groups: ProcessGroups): Record<string, number> {
  return Object.fromEntries(
    Object.entries(groups).map(([name, pids]) => [
      name,
      pids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0),
    ]),
  );
}

/**
 * CPU time (ms) used so far by the threads of a live process whose name (/proc/<pid>/task/<tid>/comm)
 * matches `name`: a JVM's "C2 CompilerThre…" and "C1 CompilerThre…", for instance. Threads gone since
 * are not counted, so compare two readings of threads that live as long as the process.
 */
export function threadsCpuMs(pid: number, name: RegExp): number {
  let ticks = 0;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tids) {
    try {
      if (!name.test(readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8'))) continue;
      ticks += parseCpuTicks(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ticksToMs(ticks);
}
