import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-activity bot defences, off by default: a purchase token, and a proof-of-work before it. */
export class ActivityPurchaseDefences1764100000001 implements MigrationInterface {
  name = 'ActivityPurchaseDefences1764100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE activities
        ADD COLUMN purchase_token boolean NOT NULL DEFAULT false,
        ADD COLUMN challenge_bits integer NOT NULL DEFAULT 0 CHECK (challenge_bits BETWEEN 0 AND 32),
        ADD CHECK (challenge_bits = 0 OR purchase_token)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE activities DROP COLUMN challenge_bits, DROP COLUMN purchase_token');
  }
}
