import { updateActivitySchema } from './update-activity.dto';

describe('activity update at the admin boundary', () => {
  it.each([[{ stock: 10 }], [{ endNow: true }], [{ stock: 1, endNow: true }]])(
    'when the update is %j, then it is accepted',
    (body) => {
      expect(updateActivitySchema.parse(body)).toEqual(body);
    },
  );

  it.each([
    ['nothing', {}],
    ['endNow: false', { endNow: false }],
    ['a stock of 0', { stock: 0 }],
    ['a fractional stock', { stock: 1.5 }],
    ['an increment instead of a total', { addStock: 5 }],
    ['a new end date (only "now" is supported)', { endsAt: '2030-01-01T00:00:00Z' }],
  ])('when the update has %s, then it is refused', (_what, body) => {
    expect(updateActivitySchema.safeParse(body).success).toBe(false);
  });
});
