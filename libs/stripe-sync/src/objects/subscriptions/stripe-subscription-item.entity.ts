import { Column, Entity, Index, type Relation } from 'typeorm';
import { IdColumn, ReferenceTo, TimestampColumn } from '../../persistence/mirror.columns.js';
import { MirroredStripeObject } from '../../persistence/mirrored-stripe-object.js';
import { StripePrice } from '../prices/stripe-price.entity.js';
import { StripeProduct } from '../products/stripe-product.entity.js';
import { StripeSubscription } from './stripe-subscription.entity.js';

/** One item of a mirrored subscription; items that leave their subscription are soft-deleted. */
@Entity('stripe_subscription_items')
export class StripeSubscriptionItem extends MirroredStripeObject {
  @Index()
  @IdColumn({ name: 'subscription_id' })
  subscriptionId: string;

  @ReferenceTo(() => StripeSubscription, 'subscription_id')
  subscription?: Relation<StripeSubscription> | null;

  @IdColumn({ name: 'price_id', nullable: true })
  priceId: string | null;

  @ReferenceTo(() => StripePrice, 'price_id')
  price?: Relation<StripePrice> | null;

  @IdColumn({ name: 'product_id', nullable: true })
  productId: string | null;

  @ReferenceTo(() => StripeProduct, 'product_id')
  product?: Relation<StripeProduct> | null;

  @Column({ type: 'integer', nullable: true })
  quantity: number | null;

  @TimestampColumn({ name: 'current_period_start' })
  currentPeriodStart: Date | null;

  @TimestampColumn({ name: 'current_period_end' })
  currentPeriodEnd: Date | null;

  @TimestampColumn()
  created: Date | null;
}
