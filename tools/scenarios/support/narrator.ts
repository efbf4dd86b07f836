/**
 * A scenario's output: indented lines, and checks that print ✓/✗ and remember what failed. It keeps what it
 * printed, for the walkthrough's sample of the scenario (`npm run scenario -- all --update-docs`).
 */
export class Narrator {
  private readonly failed: string[] = [];
  private readonly printed: string[] = [];

  say(line: string): void {
    this.print(`  ${line}`);
  }

  check(ok: boolean, claim: string): boolean {
    this.print(`  ${ok ? '✓' : '✗'} ${claim}`);
    if (!ok) this.failed.push(claim);
    return ok;
  }

  get lines(): readonly string[] {
    return this.printed;
  }

  private print(line: string): void {
    console.log(line);
    this.printed.push(...line.split('\n'));
  }

  get failures(): readonly string[] {
    return this.failed;
  }
}

export const ms = (n: number): string => `${Math.round(n)} ms`;
export const seconds = (n: number): string => `${(n / 1000).toFixed(1)} s`;
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
