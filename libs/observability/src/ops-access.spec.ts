import { OpsAccess } from './ops-access';

// Compose's Prometheus always sends `Authorization: Bearer <the token file>`, empty when OPS_TOKEN is unset.
describe('OpsAccess', () => {
  it('when no token is configured, then a scrape with an empty bearer is let in outside production', () => {
    expect(new OpsAccess({ OPS_TOKEN: '', NODE_ENV: 'development' }).allows('Bearer ')).toBe(true);
    expect(new OpsAccess({ OPS_TOKEN: '', NODE_ENV: 'production' }).allows('Bearer ')).toBe(false);
  });

  it('when a token is configured, then only its bearer is let in', () => {
    const access = new OpsAccess({ OPS_TOKEN: 'ops-token-of-the-sale', NODE_ENV: 'production' });
    expect(access.allows('Bearer ops-token-of-the-sale')).toBe(true);
    expect(access.allows('Bearer ')).toBe(false);
    expect(access.allows('Bearer another-token-of-a-sale')).toBe(false);
    expect(access.allows(undefined)).toBe(false);
  });
});
