import { Entity, Index } from 'typeorm';
import { AmountColumn, CodeColumn, FlagColumn, IdColumn, TextColumn, TimestampColumn } from '../../persistence/mirror.columns.js';
import { MirroredStripeObject } from '../../persistence/mirrored-stripe-object.js';

/** One Stripe customer as last seen; a deleted customer keeps its row, soft-deleted. */
@Entity('stripe_customers')
export class StripeCustomer extends MirroredStripeObject {
  @Index()
  @IdColumn({ length: 512, nullable: true })
  email: string | null;

  @IdColumn({ length: 512, nullable: true })
  name: string | null;

  @CodeColumn()
  phone: string | null;

  @TextColumn()
  description: string | null;

  @CodeColumn()
  currency: string | null;

  /** Credit (negative) or amount owed (positive) carried to the next invoice, in the smallest unit of `currency`. */
  @AmountColumn()
  balance: number | null;

  @FlagColumn()
  delinquent: boolean | null;

  /** `invoice_settings.default_payment_method`. */
  @IdColumn({ name: 'default_payment_method_id', nullable: true })
  defaultPaymentMethodId: string | null;

  @CodeColumn({ name: 'invoice_prefix' })
  invoicePrefix: string | null;

  @FlagColumn()
  livemode: boolean | null;

  @TimestampColumn({ nullable: false })
  created: Date;
}
