import { AbuseHarness } from '../../support/abuse-harness';

const h = new AbuseHarness('activity');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const DROP = "'; DROP TABLE activities; --";
const in1h = () => new Date(Date.now() + 3_600_000).toISOString();

/** One field of an otherwise valid activity, broken (`undefined`: left out). */
// prettier-ignore
const brokenFields: [field: string, values: unknown[]][] = [
  ['name', [undefined, '', '   ', `${h.prefix}${'x'.repeat(200)}`, 123, null, ['a'], { a: 1 }, 'a\u0000b']],
  ['stock', [undefined, -1, 0, 0.5, 1e12, '10', '1e3', null, true, [], DROP]],
  ['perUserLimit', [0, -1, 1.5, 1_001, '1', null]],
  ['payTimeoutSeconds', [0, -5, 0.1, 86_401, 1e300, '900', null]],
  ['startsAt', [undefined, 'yesterday', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-01',
    '2026-01-01T00:00:00', '2026-01-01 00:00:00Z', '+275760-09-13T00:00:01Z', 1_700_000_000_000, null, DROP]],
  ['endsAt', [undefined, 'tomorrow', '1999-01-01T00:00:00Z', '2029-01-01T00:00:00+99:99', null, DROP]],
];

const cases = [
  ...brokenFields.flatMap(([field, values]) =>
    values.map((value) => ({
      name: value === undefined ? `no ${field}` : `${field} = ${JSON.stringify(value)?.slice(0, 40)}`,
      body: () => h.activityBody({ [field]: value }),
    })),
  ),
  {
    name: 'endsAt equal to startsAt',
    body: () => {
      const instant = in1h(); // one instant: two calls could land a millisecond apart
      return h.activityBody({ startsAt: instant, endsAt: instant });
    },
  },
  // Fields the server owns.
  ...['id', 'remainingStock', 'createdAt', 'userId', '__proto__'].map((field) => ({
    name: `an extra ${field}`,
    body: () => JSON.stringify(h.activityBody()).replace(/^\{/, `{"${field}":1,`),
  })),
  ...['null', '[]', '"activity"', '{', ''].map((raw) => ({ name: `the body ${raw}`, body: () => raw })),
];

describe('abuse: POST /api/activities (with the admin token)', () => {
  it.each(cases)(
    'when the activity has $name, then it is 400 VALIDATION_FAILED and nothing changes',
    async ({ body }) => {
      const payload = body();
      const request = {
        method: 'POST' as const,
        url: '/api/activities',
        headers: { authorization: h.admin, 'content-type': 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      };
      await h.expectRefusedUnchanged('gateway', request, { status: 400, code: 'VALIDATION_FAILED' });
    },
  );

  it.each([
    { name: 'a 17 kB name', raw: JSON.stringify({ name: 'x'.repeat(17_000) }), type: 'application/json' },
    { name: 'a text/plain body', raw: '{}', type: 'text/plain' },
    { name: 'a form body', raw: 'name=x&stock=1', type: 'application/x-www-form-urlencoded' },
  ])('when the activity has $name, then it is 413 or 415 and nothing changes', async ({ raw, type }) => {
    const request = {
      method: 'POST' as const,
      url: '/api/activities',
      headers: { authorization: h.admin, 'content-type': type },
      payload: raw,
    };
    const tooLarge = type === 'application/json';
    await h.expectRefusedUnchanged(
      'gateway',
      request,
      tooLarge ? { status: 413, code: 'PAYLOAD_TOO_LARGE' } : { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    );
  });

  it('when a valid activity is named with an SQL injection, then the name is stored as plain text', async () => {
    const name = `${h.prefix} ${DROP}`;
    const id = await h.createActivity({ name });
    const res = await h.send('gateway', { url: `/api/activities/${id}` });
    expect(res.json().name).toBe(name);
    const [{ count }] = await h.clients.db.query(
      'SELECT count(*)::int AS count FROM activities WHERE id = $1',
      [id],
    );
    expect(count).toBe(1);
  });
});
