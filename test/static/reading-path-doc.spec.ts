import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readingPathOfDoc } from '../support/reading-path-doc';

// docs/architecture.md's "How to read this code" as a newcomer reads it: every file once, and one folder
// read to its end before the next, never gone back to (the files it names are those one purchase runs:
// test/integration/purchase/reading-path.int-spec.ts).
describe('the reading path in docs/architecture.md', () => {
  const path = readingPathOfDoc();

  it('when the path is listed, then it names files that exist, each once', () => {
    expect(path.length).toBeGreaterThan(30);
    expect(path.filter((f) => !existsSync(join(__dirname, '../..', f)))).toEqual([]);
    expect(path.filter((f, i) => path.indexOf(f) !== i)).toEqual([]);
  });

  it('when its folders are read in order, then none is gone back to after another', () => {
    const folders = path.map((f) => dirname(f)).filter((d, i, all) => i === 0 || all[i - 1] !== d);
    expect(folders.filter((d, i) => folders.indexOf(d) !== i)).toEqual([]);
  });
});
