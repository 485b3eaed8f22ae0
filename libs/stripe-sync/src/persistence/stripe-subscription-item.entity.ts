import { Column, Entity, Index } from 'typeorm';
import { IdColumn, TimestampColumn } from './mirror.columns.js';
import { MirroredStripeObject } from './mirrored-stripe-object.js';

/** One item of a mirrored subscription; items that leave their subscription are soft-deleted. */
@Entity('stripe_subscription_items')
export class StripeSubscriptionItem extends MirroredStripeObject {
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
}
