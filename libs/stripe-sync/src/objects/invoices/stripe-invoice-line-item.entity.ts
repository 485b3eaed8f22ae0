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
import { StripePrice } from '../prices/stripe-price.entity.js';
import { StripeInvoice } from './stripe-invoice.entity.js';

/** One line of a mirrored invoice; lines that leave their invoice (a draft's) are soft-deleted. */
@Entity('stripe_invoice_line_items')
export class StripeInvoiceLineItem extends MirroredStripeObject {
  @Index()
  @IdColumn({ name: 'invoice_id' })
  invoiceId: string;

  @ReferenceTo(() => StripeInvoice, 'invoice_id')
  invoice?: Relation<StripeInvoice> | null;

  @AmountColumn()
  amount: number | null;

  @CodeColumn()
  currency: string | null;

  @TextColumn()
  description: string | null;

  /** `pricing.price_details.price` (API since 2025-03-31), else `price`. */
  @IdColumn({ name: 'price_id', nullable: true })
  priceId: string | null;

  @ReferenceTo(() => StripePrice, 'price_id')
  price?: Relation<StripePrice> | null;

  @Column({ type: 'integer', nullable: true })
  quantity: number | null;

  @TimestampColumn({ name: 'period_start' })
  periodStart: Date | null;

  @TimestampColumn({ name: 'period_end' })
  periodEnd: Date | null;

  @FlagColumn()
  proration: boolean | null;

  /** `parent.subscription_item_details.subscription_item` (API since 2025-03-31), else `subscription_item`. */
  @IdColumn({ name: 'subscription_item_id', nullable: true })
  subscriptionItemId: string | null;

  @IdColumn({ name: 'subscription_id', nullable: true })
  subscriptionId: string | null;
}
