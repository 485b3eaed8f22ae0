import { Entity, Index, PrimaryColumn, Column } from 'typeorm';
import { IdColumn, JsonColumn, TimestampColumn } from './mirror.columns.js';
import type { MirrorEntity } from './mirror-entity.interface.js';

/** One Stripe subscription as last seen; `raw` holds the object exactly as Stripe sent it. */
@Entity('stripe_subscriptions')
export class StripeSubscription implements MirrorEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  /** No foreign key: the customer may not be mirrored. */
  @Index()
  @IdColumn({ name: 'customer_id' })
  customerId: string;

  @Index()
  @Column({ type: 'varchar', length: 32 })
  status: string;

  @Column({ type: 'varchar', length: 3, nullable: true })
  currency: string | null;

  @Column({ name: 'collection_method', type: 'varchar', length: 32, nullable: true })
  collectionMethod: string | null;

  @Column({ name: 'cancel_at_period_end', type: 'boolean', default: false })
  cancelAtPeriodEnd: boolean;

  @TimestampColumn({ name: 'cancel_at' })
  cancelAt: Date | null;

  @TimestampColumn({ name: 'canceled_at' })
  canceledAt: Date | null;

  @TimestampColumn({ name: 'ended_at' })
  endedAt: Date | null;

  @TimestampColumn({ name: 'start_date' })
  startDate: Date | null;

  @TimestampColumn({ name: 'trial_start' })
  trialStart: Date | null;

  @TimestampColumn({ name: 'trial_end' })
  trialEnd: Date | null;

  /** From the subscription when Stripe sends it there (API before 2025-03-31), else the earliest item start. */
  @TimestampColumn({ name: 'current_period_start' })
  currentPeriodStart: Date | null;

  /** From the subscription when Stripe sends it there (API before 2025-03-31), else the latest item end. */
  @TimestampColumn({ name: 'current_period_end' })
  currentPeriodEnd: Date | null;

  @IdColumn({ name: 'latest_invoice_id', nullable: true })
  latestInvoiceId: string | null;

  @Column({ type: 'boolean', default: false })
  livemode: boolean;

  @JsonColumn()
  metadata: Record<string, string>;

  @TimestampColumn({ nullable: false })
  created: Date;

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
