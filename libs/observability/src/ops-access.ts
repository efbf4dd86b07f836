import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Who may read the operational detail (/metrics, the detailed /health): the bearer of OPS_TOKEN.
 * Without a token configured it is open in development and test (the local stack, the load tests) and
 * closed in production, where a scraper must be given the token.
 */
export class OpsAccess {
  private readonly expected?: Buffer;
  private readonly openWithoutToken: boolean;

  constructor(config: { OPS_TOKEN: string; NODE_ENV: string }) {
    this.expected = config.OPS_TOKEN ? digest(config.OPS_TOKEN) : undefined;
    this.openWithoutToken = !config.OPS_TOKEN && config.NODE_ENV !== 'production';
  }

  allows(authorization: string | undefined): boolean {
    if (!this.expected) return this.openWithoutToken;
    const match = /^Bearer (\S+)$/i.exec(authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]), this.expected);
  }
}

export const OPS_FORBIDDEN = { code: 'FORBIDDEN', message: 'the ops token is required' } as const;
