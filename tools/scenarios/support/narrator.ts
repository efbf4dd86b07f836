/** A scenario's output: indented lines, and checks that print ✓/✗ and remember what failed. */
export class Narrator {
  private readonly failed: string[] = [];

  say(line: string): void {
    console.log(`  ${line}`);
  }

  check(ok: boolean, claim: string): boolean {
    console.log(`  ${ok ? '✓' : '✗'} ${claim}`);
    if (!ok) this.failed.push(claim);
    return ok;
  }

  get failures(): readonly string[] {
    return this.failed;
  }
}

export const ms = (n: number): string => `${Math.round(n)} ms`;
export const seconds = (n: number): string => `${(n / 1000).toFixed(1)} s`;
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
