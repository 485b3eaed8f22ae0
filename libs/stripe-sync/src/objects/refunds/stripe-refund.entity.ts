import { Entity, Index, type Relation } from 'typeorm';
import { AmountColumn, CodeColumn, IdColumn, ReferenceTo, TimestampColumn } from '../../persistence/mirror.columns.js';
import { MirroredStripeObject } from '../../persistence/mirrored-stripe-object.js';
import { StripeCharge } from '../charges/stripe-charge.entity.js';
import { StripePaymentIntent } from '../payment-intents/stripe-payment-intent.entity.js';

/** One Stripe refund as last seen. Amount in the smallest unit of `currency`. */
@Entity('stripe_refunds')
export class StripeRefund extends MirroredStripeObject {
  @Index()
  @IdColumn({ name: 'charge_id', nullable: true })
  chargeId: string | null;

  @ReferenceTo(() => StripeCharge, 'charge_id')
  charge?: Relation<StripeCharge> | null;

  @Index()
  @IdColumn({ name: 'payment_intent_id', nullable: true })
  paymentIntentId: string | null;

  @ReferenceTo(() => StripePaymentIntent, 'payment_intent_id')
  paymentIntent?: Relation<StripePaymentIntent> | null;

  /** `pending`, `requires_action`, `succeeded`, `failed` or `canceled`. */
  @CodeColumn()
  status: string | null;

  @AmountColumn()
  amount: number | null;

  @CodeColumn()
  currency: string | null;

  @CodeColumn()
  reason: string | null;

  @TimestampColumn({ nullable: false })
  created: Date;
}
