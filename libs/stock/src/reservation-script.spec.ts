import { RedisService } from '@app/redis';
import { ReservationScript } from './reservations';
import { ReserveLimits, SalesHeldError } from './reserve-terms';
import { SellingAnnouncements } from './selling-activities';

const LIMITS: ReserveLimits = {
  RATE_LIMIT_USER_PER_SECOND: 1,
  RATE_LIMIT_USER_BURST: 1,
  ADMISSION_RATE_PER_SECOND: 1,
  ADMISSION_BURST: 1,
  CLOCK_SKEW_MAX_MS: 1,
};
const INPUT = { activityId: 1, orderId: 'o-1', userId: 'alice', quantity: 1, now: 1_000 };

/** The script's orchestration with fakes at its ports: the announcement it awaits, the hold, Redis. */
describe('the reservation script, when it had to wait for the activity’s announcement', () => {
  it('when the sales were held meanwhile, then the script is not sent and the attempt says so', async () => {
    const sent: unknown[] = [];
    const client = new Proxy(
      {},
      {
        get:
          (_, name) =>
          (...args: unknown[]) =>
            sent.push([name, ...args]),
      },
    );
    const hold = { holding: false };
    let land!: () => void;
    const announcement = new Promise<void>((resolve) => (land = resolve));
    const selling = { pending: () => announcement } as unknown as SellingAnnouncements;
    const script = new ReservationScript({ client } as unknown as RedisService, LIMITS, selling, hold);

    const reserving = script.reserve(INPUT);
    hold.holding = true; // the connection dropped, and came back to a server the ledger has not rebuilt
    land();

    await expect(reserving).rejects.toBeInstanceOf(SalesHeldError);
    expect(sent).toEqual([]);
  });
});
