import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A script that returns a value on stdout (a path, an id) is captured by its caller, `$(...)`: any message
// it prints there becomes part of the value. So every message helper of every script writes to stderr.
const root = join(__dirname, '../..');
const scriptsDir = join(root, 'scripts');
const MESSAGE_HELPERS = /^(say|die|warn|info|log)\(\)\s*\{(.*)\}\s*$/;

/** The message helpers of one script that print on stdout (their names). */
export function helpersOnStdout(source: string): string[] {
  return source
    .split('\n')
    .map((line) => MESSAGE_HELPERS.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null && !/>&2/.test(m[2]))
    .map((m) => m[1]);
}

const shellScripts = readdirSync(scriptsDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
  f.endsWith('.sh'),
);

describe('shell scripts keep stdout for the values they return', () => {
  it.each(shellScripts)('when %s prints a message, then it goes to stderr', (file) => {
    expect(helpersOnStdout(readFileSync(join(scriptsDir, file), 'utf8'))).toEqual([]);
  });

  it('when a helper prints on stdout, then the check names it', () => {
    const corrupted = `say() { printf 'x: %s\\n' "$*"; }\ndie() { printf 'x: %s\\n' "$*" >&2; exit 1; }\n`;
    expect(helpersOnStdout(corrupted)).toEqual(['say']);
  });

  it('when `infra.sh browser` has to install Chromium, then its stdout is the path alone', () => {
    // A machine without Chromium, as root, whose apt-get "installs" it: only PATH is faked.
    const bin = mkdtempSync(join(tmpdir(), 'infra-browser-'));
    try {
      for (const tool of ['dirname', 'mkdir', 'touch', 'head', 'cat']) {
        symlinkSync(
          spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(),
          join(bin, tool),
        );
      }
      const fake = (name: string, body: string) => {
        writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
        chmodSync(join(bin, name), 0o755);
      };
      fake('id', 'echo 0');
      fake(
        'apt-get',
        `[ "$1" = install ] && printf '#!/bin/bash\\n' > ${bin}/chromium && chmod +x ${bin}/chromium; echo "apt output"`,
      );
      const result = spawnSync('/bin/bash', [join(scriptsDir, 'infra.sh'), 'browser'], {
        encoding: 'utf8',
        env: { PATH: bin, INFRA_PROFILE: 'static-check', INFRA_PORT_OFFSET: '50000' },
      });
      expect({ status: result.status, stdout: result.stdout }).toEqual({
        status: 0,
        stdout: `${bin}/chromium\n`,
      });
      expect(result.stderr).toContain('installing chromium');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
