import { loadConfig } from '@app/config';
import { CancelServiceUnderTest } from '../../support/cancel-service';
import { eventually } from '../../support/eventually';

const STOCK = 10;

describe('cancel-service: the sweeper, backstop of lost timeouts and releases (real Redis, PostgreSQL, Kafka)', () => {
  let service: CancelServiceUnderTest;

  beforeAll(async () => {
    service = await CancelServiceUnderTest.start();
  });
  afterEach(() => service.expectReconciled());
  afterAll(() => service?.stop());

  it('when a canceller died between the cancel and the release, then the sweeper finishes the release', async () => {
    const { fixtures } = service;
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, {
      expiresAt: Date.now() - 6_000,
      status: 'CANCELLED',
      cancelledAt: Date.now() - 5_000,
    });

    await eventually(async () => (await fixtures.row(order.id)).stockReleasedAt !== null);
    expect(await fixtures.remaining(activityId)).toBe(STOCK);
    expect(await fixtures.reservationState(order)).toBe('X');
  });

  it('when an expired order never got a timeout message, then the sweeper cancels it', async () => {
    const { fixtures } = service;
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, {
      expiresAt: Date.now() - loadConfig().SWEEPER_GRACE_MS - 1_000,
    });

    await service.cancelledLatenessMs(order);
    expect(await fixtures.remaining(activityId)).toBe(STOCK);
    expect(await service.cancelledEvents(order)).toHaveLength(1);
  });
});
