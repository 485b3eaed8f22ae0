import { Column, Entity, Index, type Relation } from 'typeorm';
import { IdColumn, ReferenceTo, TimestampColumn } from '../../persistence/mirror.columns.js';
import { MirroredStripeObject } from '../../persistence/mirrored-stripe-object.js';
import { StripeCustomer } from '../customers/stripe-customer.entity.js';

/** One Stripe subscription as last seen; `raw` holds the object exactly as Stripe sent it. */
@Entity('stripe_subscriptions')
export class StripeSubscription extends MirroredStripeObject {
  @Index()
  @IdColumn({ name: 'customer_id' })
  customerId: string;

  @ReferenceTo(() => StripeCustomer, 'customer_id')
  customer?: Relation<StripeCustomer> | null;

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

  @TimestampColumn({ nullable: false })
  created: Date;
}
