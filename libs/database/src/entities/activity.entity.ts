import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A flash sale: `stock` items sold between `startsAt` and `endsAt`. Redis holds the live remaining stock. */
@Entity('activities')
export class ActivityEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'integer' })
  stock: number;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'per_user_limit', type: 'integer' })
  perUserLimit: number;

  @Column({ name: 'pay_timeout_seconds', type: 'integer' })
  payTimeoutSeconds: number;

  /** Times its Redis state was rebuilt from the orders (the ledger); see libs/stock/src/stock-rebuild.ts. */
  @Column({ type: 'integer', default: 0 })
  rebuilds: number;
  /** Purchases need a short-lived purchase token (see apps/gateway/src/defences). */
  @Column({ name: 'purchase_token', type: 'boolean', default: false })
  purchaseToken: boolean;

  /** Leading zero bits of the proof-of-work asked before a purchase token; 0 = no challenge. */
  @Column({ name: 'challenge_bits', type: 'integer', default: 0 })
  challengeBits: number;

  /** Sub-stocks the stock is split into in Redis (hot-item stock shards); 1 = unsharded. */
  @Column({ name: 'stock_shards', type: 'integer', default: 1 })
  stockShards: number;

  /**
   * The waiting room in front of the sale (apps/gateway/src/waiting-room); null = none. Its shape is
   * @app/contracts' WaitingRoomRules (this lib stands below contracts, so it is spelled out here).
   */
  @Column({ name: 'waiting_room', type: 'jsonb', nullable: true })
  waitingRoom: {
    opensBeforeSeconds: number;
    admitPerSecond: number;
    maxAdmitted: number;
    admissionWindowSeconds: number;
  } | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
