import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

export interface ShellAnswer {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** the HTTP status of the last curl the command ran, if it ran one */
  httpStatus?: number;
}

const DONE = '__shell_session_done__';
const HTTP = '__shell_session_http__';

/**
 * One bash process, in the checkout, that runs commands one after the other as a reader's terminal does:
 * a variable set by one command is there for the next. Each curl also tells its HTTP status, on stderr
 * (`-w '%{stderr}…'`), so that a command runs as written and prints what it prints.
 */
export class ShellSession {
  private readonly bash: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderr = '';
  private waiting?: () => void;

  constructor(env: Record<string, string> = {}) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd: root, env: { ...process.env, ...env } });
    this.bash.stdout.on('data', (chunk: Buffer) => this.received('stdout', chunk));
    this.bash.stderr.on('data', (chunk: Buffer) => this.received('stderr', chunk));
    this.bash.stdin.write(`curl() { command curl -w '%{stderr}\\n${HTTP}%{http_code}\\n' "$@"; }\n`);
  }

  /** Runs one command (continuation lines included) and resolves with what it printed and its status. */
  run(command: string, timeoutMs = 60_000): Promise<ShellAnswer> {
    this.stdout = this.stderr = '';
    const done = new RegExp(`\\n${DONE}(\\d+)\\n$`);
    return new Promise<ShellAnswer>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer within ${timeoutMs / 1000} s: ${command}`)),
        timeoutMs,
      );
      // Both streams end with the mark: a curl's status on stderr can arrive after its body on stdout.
      this.waiting = () => {
        const end = done.exec(this.stdout);
        if (!end || !this.stderr.endsWith(`\n${DONE}\n`)) return;
        clearTimeout(timer);
        this.waiting = undefined;
        const statuses = [...this.stderr.matchAll(new RegExp(`${HTTP}(\\d+)`, 'g'))].map((m) => Number(m[1]));
        resolve({
          exitCode: Number(end[1]),
          stdout: this.stdout.slice(0, end.index),
          stderr: this.stderr.replace(new RegExp(`\\n?(${HTTP}\\d+|${DONE})\\n`, 'g'), ''),
          httpStatus: statuses[statuses.length - 1],
        });
      };
      this.bash.stdin.write(`${command}\nprintf '\\n${DONE}%s\\n' "$?"; printf '\\n${DONE}\\n' >&2\n`);
    });
  }

  close(): void {
    this.bash.stdin.end();
    this.bash.kill();
  }

  private received(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this[stream] += chunk.toString('utf8');
    this.waiting?.();
  }
}
