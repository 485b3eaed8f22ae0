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
import { StripeCustomer } from '../customers/stripe-customer.entity.js';
import { StripeSubscription } from '../subscriptions/stripe-subscription.entity.js';

/** One Stripe invoice as last seen; its lines are in `stripe_invoice_line_items`. Amounts in the smallest unit of `currency`. */
@Entity('stripe_invoices')
export class StripeInvoice extends MirroredStripeObject {
  @Index()
  @IdColumn({ name: 'customer_id', nullable: true })
  customerId: string | null;

  @ReferenceTo(() => StripeCustomer, 'customer_id')
  customer?: Relation<StripeCustomer> | null;

  /** `parent.subscription_details.subscription` (API since 2025-03-31), else `subscription`. */
  @Index()
  @IdColumn({ name: 'subscription_id', nullable: true })
  subscriptionId: string | null;

  @ReferenceTo(() => StripeSubscription, 'subscription_id')
  subscription?: Relation<StripeSubscription> | null;

  /** `draft`, `open`, `paid`, `uncollectible` or `void`. */
  @Index()
  @CodeColumn()
  status: string | null;

  @IdColumn({ nullable: true })
  number: string | null;

  @CodeColumn()
  currency: string | null;

  @AmountColumn({ name: 'amount_due' })
  amountDue: number | null;

  @AmountColumn({ name: 'amount_paid' })
  amountPaid: number | null;

  @AmountColumn({ name: 'amount_remaining' })
  amountRemaining: number | null;

  @AmountColumn()
  total: number | null;

  @AmountColumn()
  subtotal: number | null;

  @Column({ name: 'attempt_count', type: 'integer', nullable: true })
  attemptCount: number | null;

  @CodeColumn({ name: 'billing_reason' })
  billingReason: string | null;

  @CodeColumn({ name: 'collection_method' })
  collectionMethod: string | null;

  @TimestampColumn({ name: 'due_date' })
  dueDate: Date | null;

  @TimestampColumn({ name: 'period_start' })
  periodStart: Date | null;

  @TimestampColumn({ name: 'period_end' })
  periodEnd: Date | null;

  @TextColumn({ name: 'hosted_invoice_url' })
  hostedInvoiceUrl: string | null;

  /** `status_transitions.paid_at`. */
  @TimestampColumn({ name: 'paid_at' })
  paidAt: Date | null;

  @FlagColumn()
  livemode: boolean | null;

  @TimestampColumn({ nullable: false })
  created: Date;
}
