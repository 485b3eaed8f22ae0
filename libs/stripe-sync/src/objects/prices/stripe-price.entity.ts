import { Column, Entity, Index, type Relation } from 'typeorm';
import {
  AmountColumn,
  CodeColumn,
  FlagColumn,
  IdColumn,
  ReferenceTo,
  TextColumn,
  TimestampColumn,
} from '../../persistence/mirror.columns.js';
import { MirroredStripeObject } from '../../persistence/mirrored-stripe-object.js';
import { StripeProduct } from '../products/stripe-product.entity.js';

/** One Stripe price (or legacy plan) as last seen. Stripe never deletes a price: it makes it inactive. */
@Entity('stripe_prices')
export class StripePrice extends MirroredStripeObject {
  @Index()
  @IdColumn({ name: 'product_id', nullable: true })
  productId: string | null;

  @ReferenceTo(() => StripeProduct, 'product_id')
  product?: Relation<StripeProduct> | null;

  @Index()
  @FlagColumn()
  active: boolean | null;

  @CodeColumn()
  currency: string | null;

  /** In the smallest unit of `currency`; null for prices with tiers or a decimal amount. */
  @AmountColumn({ name: 'unit_amount' })
  unitAmount: number | null;

  /** The exact unit amount, as Stripe's decimal string (`"1250.5"`, `"0.0125"`). */
  @CodeColumn({ name: 'unit_amount_decimal' })
  unitAmountDecimal: string | null;

  /** `one_time` or `recurring`. */
  @CodeColumn()
  type: string | null;

  @CodeColumn({ name: 'billing_scheme' })
  billingScheme: string | null;

  @CodeColumn({ name: 'recurring_interval' })
  recurringInterval: string | null;

  @Column({ name: 'recurring_interval_count', type: 'integer', nullable: true })
  recurringIntervalCount: number | null;

  @CodeColumn({ name: 'recurring_usage_type' })
  recurringUsageType: string | null;

  @Index()
  @IdColumn({ name: 'lookup_key', nullable: true })
  lookupKey: string | null;

  @TextColumn()
  nickname: string | null;

  @CodeColumn({ name: 'tax_behavior' })
  taxBehavior: string | null;

  @FlagColumn()
  livemode: boolean | null;

  @TimestampColumn({ nullable: false })
  created: Date;
}
