import { loadConfig } from '@app/config';
import { isSolution, solve } from '../../../apps/gateway/src/defences/proof-of-work';
import { signTicket, ticketKey } from '../../../apps/gateway/src/defences/signed-ticket';
import { AbuseHarness, expectRefusal } from '../../support/abuse-harness';

/** The bot defences of an activity that opts in: the purchase token (hidden purchase path) and the challenge. */
const h = new AbuseHarness('defences');
let guarded = 0; // purchaseToken: true
let challenged = 0; // purchaseToken: true, challengeBits: 8
let notStarted = 0; // purchaseToken: true, starts in an hour
beforeAll(async () => {
  await h.start();
  guarded = await h.createActivity({ name: `${h.prefix} guarded`, purchaseToken: true });
  challenged = await h.createActivity({ name: `${h.prefix} ch`, purchaseToken: true, challengeBits: 8 });
  notStarted = await h.createActivity({
    name: `${h.prefix} later`,
    purchaseToken: true,
    startsAt: new Date(Date.now() + 3_600_000).toISOString(),
    endsAt: new Date(Date.now() + 7_200_000).toISOString(),
  });
}, 60_000);
afterAll(() => h.stop());

type Headers = Record<string, string>;
const post = (url: string, userId: string, payload: Record<string, unknown> = {}, headers: Headers = {}) =>
  h.send('gateway', {
    method: 'POST',
    url,
    headers: { authorization: h.bearer(userId), ...headers },
    payload,
  });

async function tokenFor(activityId: number, userId: string): Promise<string> {
  const res = await post(`/api/seckill/${activityId}/token`, userId);
  expect(res.statusCode).toBe(201);
  return res.json().token;
}

const buy = (activityId: number, userId: string, token?: string, headers: Record<string, string> = {}) =>
  post(
    `/api/seckill/${activityId}`,
    userId,
    { quantity: 1 },
    token ? { 'purchase-token': token, ...headers } : headers,
  );

async function held(activityId: number): Promise<number> {
  return h.clients.redis.hlen(`seckill:{${activityId}}:reservations`);
}

describe('abuse: the purchase token', () => {
  let buyerOfCase = '';

  it('when a buyer has a token, then the purchase is accepted', async () => {
    const buyer = h.freshUser();
    const res = await buy(guarded, buyer, await tokenFor(guarded, buyer));
    expect(res.statusCode).toBe(202);
  });

  it.each([
    ['no token', () => undefined as string | undefined, 'PURCHASE_TOKEN_REQUIRED'],
    ['garbage', () => 'not.a-token', 'PURCHASE_TOKEN_INVALID'],
    [
      'a token signed with another key',
      () =>
        signTicket(ticketKey('another-secret-entirely-xyz', 'purchase-token'), ticket(guarded, buyerOfCase)),
      'PURCHASE_TOKEN_INVALID',
    ],
    [
      'a challenge passed off as a token',
      () => signTicket(ticketKey(loadConfig().JWT_SECRET, 'challenge'), ticket(guarded, buyerOfCase)),
      'PURCHASE_TOKEN_INVALID',
    ],
  ])('when a purchase carries %s, then it is 403 and nothing is reserved', async (_name, token, code) => {
    const before = await held(guarded);
    const buyer = (buyerOfCase = h.freshUser());
    const res = await buy(guarded, buyer, token());
    expectRefusal(res, { status: 403, code });
    expect(await held(guarded)).toBe(before);
  });

  it("when a buyer uses another buyer's token, then it is 403 PURCHASE_TOKEN_INVALID", async () => {
    const victim = h.freshUser();
    const leaked = await tokenFor(guarded, victim);
    const res = await buy(guarded, h.freshUser(), leaked);
    expectRefusal(res, { status: 403, code: 'PURCHASE_TOKEN_INVALID' });
    expect(res.json().message).toMatch(/another buyer/);
    expect((await buy(guarded, victim, leaked)).statusCode).toBe(202); // still the victim's
  });

  it('when a token of one activity is used in another, then it is 403 PURCHASE_TOKEN_INVALID', async () => {
    const buyer = h.freshUser();
    const res = await buy(challenged, buyer, await tokenFor(guarded, buyer));
    expectRefusal(res, { status: 403, code: 'PURCHASE_TOKEN_INVALID' });
  });

  it('when a token is replayed, then the replay is 403, unless it retries the same Idempotency-Key', async () => {
    const buyer = h.freshUser();
    const token = await tokenFor(guarded, buyer);
    const first = await buy(guarded, buyer, token, { 'idempotency-key': 'k-1' });
    expect(first.statusCode).toBe(202);
    const retry = await buy(guarded, buyer, token, { 'idempotency-key': 'k-1' });
    expect(retry.statusCode).toBe(202);
    expect(retry.json().orderId).toBe(first.json().orderId);
    expectRefusal(await buy(guarded, buyer, token), { status: 403, code: 'PURCHASE_TOKEN_INVALID' });
    expectRefusal(await buy(guarded, buyer, token, { 'idempotency-key': 'k-2' }), {
      status: 403,
      code: 'PURCHASE_TOKEN_INVALID',
    });
  });

  it('when a token has expired, then it is 403 PURCHASE_TOKEN_EXPIRED', async () => {
    const buyer = h.freshUser();
    const key = ticketKey(loadConfig().JWT_SECRET, 'purchase-token');
    const expired = signTicket(key, { ...ticket(guarded, buyer), expiresAt: Date.now() - 1 });
    expectRefusal(await buy(guarded, buyer, expired), { status: 403, code: 'PURCHASE_TOKEN_EXPIRED' });
  });

  it('when a token is asked before the start, then it is 409 NOT_STARTED, and a purchase without one is 403', async () => {
    const buyer = h.freshUser();
    expectRefusal(await post(`/api/seckill/${notStarted}/token`, buyer), {
      status: 409,
      code: 'NOT_STARTED',
    });
    expectRefusal(await buy(notStarted, buyer), { status: 403, code: 'PURCHASE_TOKEN_REQUIRED' });
    expect(await held(notStarted)).toBe(0);
  });

  it('when the activity has no defences, then the plain purchase works and a token is refused as unneeded', async () => {
    const buyer = h.freshUser();
    expect((await buy(h.activityId, buyer)).statusCode).toBe(202);
    expectRefusal(await post(`/api/seckill/${h.activityId}/token`, buyer), {
      status: 409,
      code: 'NO_PURCHASE_TOKEN',
    });
  });
});

describe('abuse: the challenge (proof-of-work of 8 bits)', () => {
  async function challengeFor(userId: string): Promise<{ challenge: string; bits: number }> {
    const res = await post(`/api/seckill/${challenged}/challenge`, userId);
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  it('when the buyer solves it, then it gets a token and buys', async () => {
    const buyer = h.freshUser();
    const { challenge, bits } = await challengeFor(buyer);
    expect(bits).toBe(8);
    const res = await post(`/api/seckill/${challenged}/token`, buyer, {
      challenge,
      solution: solve(challenge, bits),
    });
    expect(res.statusCode).toBe(201);
    expect((await buy(challenged, buyer, res.json().token)).statusCode).toBe(202);
  });

  it('when a token is asked without a solution, with a wrong one, or with a solved challenge again, then it is 403', async () => {
    const buyer = h.freshUser();
    expectRefusal(await post(`/api/seckill/${challenged}/token`, buyer), {
      status: 403,
      code: 'CHALLENGE_REQUIRED',
    });
    const { challenge, bits } = await challengeFor(buyer);
    const solution = solve(challenge, bits);
    const wrong = [...Array(1000).keys()]
      .map(String)
      .find((s) => s !== solution && !isSolution(challenge, s, bits))!;
    expectRefusal(await post(`/api/seckill/${challenged}/token`, buyer, { challenge, solution: wrong }), {
      status: 403,
      code: 'CHALLENGE_FAILED',
    });
    expect((await post(`/api/seckill/${challenged}/token`, buyer, { challenge, solution })).statusCode).toBe(
      201,
    );
    expectRefusal(await post(`/api/seckill/${challenged}/token`, buyer, { challenge, solution }), {
      status: 403,
      code: 'CHALLENGE_FAILED',
    });
  });

  it("when a buyer presents another buyer's solved challenge, then it is 403 CHALLENGE_FAILED", async () => {
    const { challenge, bits } = await challengeFor(h.freshUser());
    const res = await post(`/api/seckill/${challenged}/token`, h.freshUser(), {
      challenge,
      solution: solve(challenge, bits),
    });
    expectRefusal(res, { status: 403, code: 'CHALLENGE_FAILED' });
  });
});

function ticket(activityId: number, userId: string) {
  return { activityId, userId, expiresAt: Date.now() + 60_000, extra: '' };
}
