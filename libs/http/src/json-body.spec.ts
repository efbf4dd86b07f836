import { holdsNul } from './hot-routes';

describe('NUL characters in a JSON body', () => {
  it.each([
    ['a top-level string', 'a\u0000b'],
    ['a nested value', { a: [{ b: 'x\u0000' }] }],
    ['a key', { 'k\u0000': 1 }],
  ])('when %s holds one, then the body is refused', (_name, value) => {
    expect(holdsNul(value)).toBe(true);
  });

  it('when a body nests deeper than the call stack could follow, then it is still checked', () => {
    const deep = JSON.parse('['.repeat(100_000) + '"\\u0000"' + ']'.repeat(100_000));
    expect(holdsNul(deep)).toBe(true);
  });

  it.each([null, 1, true, 'plain', { quantity: 1 }, ['\\u0000 spelled out']])(
    'when the body is %j, then it passes',
    (value) => {
      expect(holdsNul(value)).toBe(false);
    },
  );
});
