import { Entity, Index, PrimaryColumn, Column } from 'typeorm';
import { IdColumn, JsonColumn, TimestampColumn } from './mirror.columns.js';
import type { MirrorEntity } from './mirror-entity.interface.js';

/** One item of a mirrored subscription; items that leave their subscription are soft-deleted. */
@Entity('stripe_subscription_items')
export class StripeSubscriptionItem implements MirrorEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Index()
  @IdColumn({ name: 'subscription_id' })
  subscriptionId: string;

  @IdColumn({ name: 'price_id', nullable: true })
  priceId: string | null;

  @IdColumn({ name: 'product_id', nullable: true })
  productId: string | null;

  @Column({ type: 'integer', nullable: true })
  quantity: number | null;

  @TimestampColumn({ name: 'current_period_start' })
  currentPeriodStart: Date | null;

  @TimestampColumn({ name: 'current_period_end' })
  currentPeriodEnd: Date | null;

  @TimestampColumn()
  created: Date | null;

  @JsonColumn()
  metadata: Record<string, string>;

  @JsonColumn()
  raw: Record<string, unknown>;

  @TimestampColumn({ name: 'deleted_at' })
  deletedAt: Date | null;

  /** When Stripe's data in this row was true: a write never replaces a row observed later. */
  @TimestampColumn({ name: 'observed_at', nullable: false })
  observedAt: Date;

  @TimestampColumn({ name: 'synced_at', nullable: false })
  syncedAt: Date;
}
