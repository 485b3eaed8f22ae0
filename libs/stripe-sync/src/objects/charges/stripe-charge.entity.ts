import { Entity, Index, type Relation } from 'typeorm';
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
import { StripeCustomer } from '../customers/stripe-customer.entity.js';
import { StripePaymentIntent } from '../payment-intents/stripe-payment-intent.entity.js';

/** One Stripe charge as last seen. Amounts in the smallest unit of `currency`. */
@Entity('stripe_charges')
export class StripeCharge extends MirroredStripeObject {
  @Index()
  @IdColumn({ name: 'customer_id', nullable: true })
  customerId: string | null;

  @ReferenceTo(() => StripeCustomer, 'customer_id')
  customer?: Relation<StripeCustomer> | null;

  @Index()
  @IdColumn({ name: 'payment_intent_id', nullable: true })
  paymentIntentId: string | null;

  @ReferenceTo(() => StripePaymentIntent, 'payment_intent_id')
  paymentIntent?: Relation<StripePaymentIntent> | null;

  /** `invoice`, which API versions before 2025-03-31 send; null in later ones. */
  @IdColumn({ name: 'invoice_id', nullable: true })
  invoiceId: string | null;

  /** `succeeded`, `pending` or `failed`. */
  @Index()
  @CodeColumn()
  status: string | null;

  @FlagColumn()
  paid: boolean | null;

  @FlagColumn()
  captured: boolean | null;

  @FlagColumn()
  refunded: boolean | null;

  @AmountColumn()
  amount: number | null;

  @AmountColumn({ name: 'amount_captured' })
  amountCaptured: number | null;

  @AmountColumn({ name: 'amount_refunded' })
  amountRefunded: number | null;

  @CodeColumn()
  currency: string | null;

  @CodeColumn({ name: 'failure_code' })
  failureCode: string | null;

  @TextColumn({ name: 'failure_message' })
  failureMessage: string | null;

  /** `outcome.type`: `authorized`, `issuer_declined`, `blocked`, … */
  @CodeColumn({ name: 'outcome_type' })
  outcomeType: string | null;

  @TextColumn({ name: 'receipt_url' })
  receiptUrl: string | null;

  @FlagColumn()
  livemode: boolean | null;

  @TimestampColumn({ nullable: false })
  created: Date;
}
