import { readFileSync } from 'node:fs';
import { SCENARIOS } from '../../tools/scenarios/scenarios';
import {
  ILLUSTRATIVE,
  claimingBlocks,
  documentPath,
  fencedBlocks,
  sampleOf,
  stepsOf,
} from '../support/doc-blocks';
import { parseClaim, unmet } from '../support/doc-claims';

// What the docs claim a reader sees is either run (test/e2e/docs-commands.e2e-spec.ts runs the command
// blocks; CI runs the scenarios), a sample a run rewrites (`npm run scenario -- all --update-docs`), or
// marked illustrative. These checks keep that true without running anything.
const DOCUMENTS = ['README.md', 'docs/walkthrough.md'];
const names = SCENARIOS.map((s) => s.name);

describe('the docs say what a run shows', () => {
  const claims = DOCUMENTS.flatMap(claimingBlocks).flatMap((block) =>
    stepsOf(block)
      .filter((s) => s.claim !== undefined)
      .map((s) => [`${block.document}:${s.line} "${s.claim}"`, s.claim!] as const),
  );

  it('when the README is read, then "A sale by hand" claims answers the e2e spec checks', () => {
    expect(claims.map(([where]) => where)).toContainEqual(expect.stringMatching(/^README.md:\d+ "→?\s*202/));
  });

  it.each(claims)('when %s is read, then it is a claim the e2e spec can check', (_, claim) => {
    expect(() => parseClaim(claim)).not.toThrow();
  });

  it.each(
    fencedBlocks('docs/walkthrough.md')
      .filter((b) => b.language === '')
      .map((b) => [b.line, b]),
  )(
    'when the walkthrough quotes an output (line %s), then it is a scenario run or marked illustrative',
    (_, block) => {
      const sample = sampleOf(block);
      if (sample === undefined) expect(block.before.trim()).toBe(ILLUSTRATIVE);
      else expect(names).toContain(sample);
    },
  );

  it.each(DOCUMENTS.concat('docs/architecture.md', 'docs/reliability.md'))(
    'when %s names a scenario to run, then the scenario exists',
    (document) => {
      const named = [...readFileSync(documentPath(document), 'utf8').matchAll(/scenario -- ([a-z-]+)/g)];
      expect(named.map((m) => m[1]).filter((n) => n !== 'all' && !names.includes(n))).toEqual([]);
    },
  );

  it('when the walkthrough lists its scenarios, then every scenario of `all` has its row', () => {
    const table = readFileSync(documentPath('docs/walkthrough.md'), 'utf8');
    const rows = [...table.matchAll(/^\| `([a-z-]+)` /gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(
      SCENARIOS.filter((s) => !s.profile)
        .map((s) => s.name)
        .sort(),
    );
  });
});

describe('a claim of the docs, checked against an answer', () => {
  const answer = (stdout: string, httpStatus?: number, exitCode = 0) => ({
    exitCode,
    stdout,
    stderr: '',
    httpStatus,
  });

  it('when the answer is the claimed status and body, then nothing is unmet', () => {
    const claim = parseClaim('202 {"orderId":"…","status":"QUEUED"}');
    expect(unmet(claim, answer('{"orderId":"a","status":"QUEUED"}', 202), {})).toEqual([]);
  });

  it('when the route is gone (404), then the claim is unmet and the answer is shown', () => {
    const [problem] = unmet(parseClaim('200 PAID'), answer('{"code":"NOT_FOUND"}', 404), {});
    expect(problem).toMatch(/HTTP 404, not 200.*no field is PAID.*NOT_FOUND/);
  });

  it('when a field differs from the one an earlier answer gave, then the claim is unmet', () => {
    const claim = parseClaim('CREATED + orderId');
    const result = answer('{"status":"CREATED","orderId":"b"}', 200);
    expect(unmet(claim, result, { orderId: 'a' })).toEqual([expect.stringContaining('not a as before')]);
    expect(unmet(claim, result, { orderId: 'b' })).toEqual([]);
  });

  it('when reconcile passes fewer invariants than claimed, then the claim is unmet', () => {
    const claim = parseClaim('invariants 1–2 ✓');
    expect(unmet(claim, answer('  ✓ 1 no oversell\n  ✓ 2 conservation\n'), {})).toEqual([]);
    expect(unmet(claim, answer('  ✓ 1 no oversell\n  ✗ 2 conservation\n', undefined, 1), {})).toEqual([
      expect.stringMatching(/exited with 1; invariant 2 not ✓; a check ✗/),
    ]);
  });

  it('when a command without a claimed status answers an error, then it is unmet', () => {
    expect(unmet(undefined, answer('{"code":"UNAUTHORIZED"}', 401), {})).toEqual([
      expect.stringContaining('HTTP 401, not 2xx'),
    ]);
  });

  it('when a claim says something the check cannot read, then it says so instead of passing', () => {
    expect(() => parseClaim('200 and the order is shipped')).toThrow(
      /cannot check "and the order is shipped"/,
    );
  });
});
