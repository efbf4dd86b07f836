import { addToBlacklistSchema, blacklistTargetSchema } from './blacklist.dto';

describe('blacklist entries at the admin boundary', () => {
  it('when an IP is given in another spelling, then it is stored as the purchase path sees it', () => {
    expect(addToBlacklistSchema.parse({ kind: 'ip', value: '::FFFF:10.0.0.1' })).toEqual({
      kind: 'ip',
      value: '10.0.0.1',
      reason: '',
    });
    expect(blacklistTargetSchema.parse({ kind: 'ip', value: '2001:DB8::1' }).value).toBe('2001:db8::1');
    expect(addToBlacklistSchema.parse({ kind: 'ip', value: '0:0:0:0:0:0:0:1' }).value).toBe('::1');
    expect(blacklistTargetSchema.parse({ kind: 'ip', value: '2001:db8:0:0:0:0:0:1' }).value).toBe(
      '2001:db8::1',
    );
  });

  it('when a user id is given, then it is kept as is, with its reason', () => {
    expect(addToBlacklistSchema.parse({ kind: 'user', value: 'bot-17', reason: ' scalper ' })).toEqual({
      kind: 'user',
      value: 'bot-17',
      reason: 'scalper',
    });
  });

  it.each([
    ['an invalid IP', { kind: 'ip', value: '256.0.0.1' }],
    ['a user id no token could carry', { kind: 'user', value: 'a b' }],
    ['an unknown kind', { kind: 'device', value: 'x' }],
    ['an unknown field', { kind: 'user', value: 'x', until: 'tomorrow' }],
    ['an over-long reason', { kind: 'user', value: 'x', reason: 'r'.repeat(201) }],
  ])('when the entry has %s, then it is refused', (_what, body) => {
    expect(addToBlacklistSchema.safeParse(body).success).toBe(false);
  });
});
