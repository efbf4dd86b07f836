import { UsageError, parseCliOptions } from './cli-options';

describe('reconcile command options', () => {
  it('when only an activity id is given, then it settles 30 s with a 5 s grace and prints text', () => {
    expect(parseCliOptions(['42'])).toEqual({
      activityId: 42,
      settleMs: 30_000,
      graceMs: 5_000,
      json: false,
    });
  });

  it('when settle, grace and json are given, then they are used', () => {
    expect(parseCliOptions(['7', '--settle', '0', '--grace=1.5', '--json'])).toEqual({
      activityId: 7,
      settleMs: 0,
      graceMs: 1_500,
      json: true,
    });
  });

  it.each([
    [[]],
    [['abc']],
    [['0']],
    [['1', '2']],
    [['2147483648']],
    [['1', '--settle', '-1']],
    [['1', '--nope']],
  ])('when the arguments are %j, then it is a usage error', (argv) => {
    expect(() => parseCliOptions(argv)).toThrow(UsageError);
  });
});
