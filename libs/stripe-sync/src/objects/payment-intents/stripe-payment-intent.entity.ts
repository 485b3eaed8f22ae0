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

/** One Stripe payment intent as last seen. Amounts in the smallest unit of `currency`. */
@Entity('stripe_payment_intents')
export class StripePaymentIntent extends MirroredStripeObject {
  @Index()
  @IdColumn({ name: 'customer_id', nullable: true })
  customerId: string | null;

  @ReferenceTo(() => StripeCustomer, 'customer_id')
  customer?: Relation<StripeCustomer> | null;

  /** `invoice`, which API versions before 2025-03-31 send; null in later ones. */
  @Index()
  @IdColumn({ name: 'invoice_id', nullable: true })
  invoiceId: string | null;

  @Index()
  @CodeColumn()
  status: string | null;

  @AmountColumn()
  amount: number | null;

  @AmountColumn({ name: 'amount_received' })
  amountReceived: number | null;

  @CodeColumn()
  currency: string | null;

  @CodeColumn({ name: 'capture_method' })
  captureMethod: string | null;

  @IdColumn({ name: 'payment_method_id', nullable: true })
  paymentMethodId: string | null;

  @IdColumn({ name: 'latest_charge_id', nullable: true })
  latestChargeId: string | null;

  @CodeColumn({ name: 'cancellation_reason' })
  cancellationReason: string | null;

  @TextColumn()
  description: string | null;

  @FlagColumn()
  livemode: boolean | null;

  @TimestampColumn({ nullable: false })
  created: Date;
}
