import { SoldOutFlags } from './sold-out-flags';

describe('sold-out flags', () => {
  it('when a reservation answer shows 0 left, then the activity is sold out; stock back clears it', () => {
    const flags = new SoldOutFlags();
    flags.applyRead(7, 0, flags.stamp(7));
    expect(flags.isSoldOut(7)).toBe(true);
    expect(flags.isSoldOut(8)).toBe(false);
    flags.applyChange(7, 1);
    expect(flags.isSoldOut(7)).toBe(false);
  });

  it('when stock comes back while a "0 left" answer is in flight, then the late answer does not set the flag', () => {
    const flags = new SoldOutFlags();
    const stamp = flags.stamp(7); // request sent
    flags.applyChange(7, 0); // the last unit sold (published by reserve.lua)
    flags.applyChange(7, 1); // a timeout released one (published by release.lua)
    flags.applyRead(7, 0, stamp); // the answer of the request sent earlier arrives last
    expect(flags.isSoldOut(7)).toBe(false);
  });

  it('when some stock is left but less than asked, then the activity is not flagged', () => {
    const flags = new SoldOutFlags();
    flags.applyRead(7, 1, flags.stamp(7));
    expect(flags.isSoldOut(7)).toBe(false);
  });

  it('when the channel says an activity sold its last unit, then every instance flags it', () => {
    const [a, b] = [new SoldOutFlags(), new SoldOutFlags()];
    for (const flags of [a, b]) flags.applyChange(7, 0);
    expect([a.isSoldOut(7), b.isSoldOut(7)]).toEqual([true, true]);
    expect(a.flagged()).toEqual([7]);
  });
});
