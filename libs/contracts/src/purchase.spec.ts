import { newOrderId } from './purchase';

describe('order ids', () => {
  it('when generated, then it is a version-7 UUID', () => {
    expect(newOrderId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('when generated later, then it sorts after', () => {
    const earlier = newOrderId(1_700_000_000_000);
    const later = newOrderId(1_700_000_000_001);
    expect(earlier < later).toBe(true);
  });

  it('when generated many times in one millisecond, then they are all distinct', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newOrderId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});
