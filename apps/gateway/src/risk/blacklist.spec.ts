import { Blacklist, BlacklistEntry } from './blacklist';

const entry = (kind: 'user' | 'ip', value: string): BlacklistEntry => ({
  kind,
  value,
  reason: '',
  addedAt: '2026-01-01T00:00:00.000Z',
});

describe('blacklist (in-process copy)', () => {
  it('when a user or an IP is listed, then it is blocked, and only that one', () => {
    const blacklist = new Blacklist();
    blacklist.replace({ version: 1, entries: [entry('user', 'bot'), entry('ip', '192.0.2.1')] });
    expect(blacklist.blocked('bot', '127.0.0.1')).toBe('user');
    expect(blacklist.blocked('alice', '192.0.2.1')).toBe('ip');
    expect(blacklist.blocked('alice', '127.0.0.1')).toBeNull();
  });

  it('when a user id looks like an IP, then it is still only a user id', () => {
    const blacklist = new Blacklist();
    blacklist.replace({ version: 1, entries: [entry('user', '192.0.2.1')] });
    expect(blacklist.blocked('alice', '192.0.2.1')).toBeNull();
  });

  it('when an older snapshot arrives after a newer one, then it is ignored', () => {
    const blacklist = new Blacklist();
    blacklist.replace({ version: 2, entries: [entry('user', 'bot')] });
    blacklist.replace({ version: 1, entries: [] });
    expect(blacklist.blocked('bot', '127.0.0.1')).toBe('user');
  });

  it('when an entry is removed, then the next snapshot unblocks it', () => {
    const blacklist = new Blacklist();
    blacklist.replace({ version: 1, entries: [entry('user', 'bot')] });
    blacklist.replace({ version: 2, entries: [] });
    expect(blacklist.blocked('bot', '127.0.0.1')).toBeNull();
  });
});
