import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { COLLECTION_METHODS, INVOICE_STATUSES } from '../stripe-codes.js';
import { StripeFields } from '../stripe-fields.js';
import { toRaw } from '../stripe-values.js';
import type { StripeInvoiceLineItem } from './stripe-invoice-line-item.entity.js';
import type { StripeInvoice } from './stripe-invoice.entity.js';

type Expandable = string | { id: string } | null;
/** Fields that API versions before 2025-03-31 ("basil") sent, and that the current types no longer have. */
interface LegacyInvoiceFields {
  subscription?: Expandable;
}
interface LegacyLineFields {
  price?: Expandable;
  plan?: Expandable;
  proration?: boolean;
  subscription_item?: Expandable;
  subscription?: Expandable;
  pricing?: { price_details?: { price?: Expandable } | null } | null;
}

/** A mirrored invoice always has an id (only the preview of an upcoming one has none). */
export type InvoicePayload = Omit<Stripe.Invoice, 'id' | 'lines'> &
  LegacyInvoiceFields & { id: string; lines?: { data: InvoiceLinePayload[]; has_more: boolean } };
export type InvoiceLinePayload = Omit<Stripe.InvoiceLineItem, keyof LegacyLineFields> & LegacyLineFields;

export function toInvoiceRow(
  invoice: InvoicePayload,
  read = new StripeFields(invoice as unknown as Record<string, unknown>),
): MirrorRow<StripeInvoice> {
  return {
    id: invoice.id,
    customerId: read.id('customer'),
    subscriptionId: read.at('parent').at('subscription_details').id('subscription') ?? read.id('subscription'),
    status: read.code('status', INVOICE_STATUSES),
    number: read.text('number', 255),
    currency: read.currency('currency'),
    amountDue: read.integer('amount_due'),
    amountPaid: read.integer('amount_paid'),
    amountRemaining: read.integer('amount_remaining'),
    total: read.integer('total'),
    subtotal: read.integer('subtotal'),
    attemptCount: read.integer('attempt_count'),
    billingReason: read.code('billing_reason'),
    collectionMethod: read.code('collection_method', COLLECTION_METHODS),
    dueDate: read.time('due_date'),
    periodStart: read.time('period_start'),
    periodEnd: read.time('period_end'),
    hostedInvoiceUrl: read.text('hosted_invoice_url'),
    paidAt: read.at('status_transitions').time('paid_at'),
    livemode: read.flag('livemode'),
    metadata: read.metadata(),
    created: read.time('created')!,
    raw: toRaw(invoice),
  };
}

/** A line of either API shape: since 2025-03-31 its price and subscription item sit under `pricing` and `parent`. */
export function toInvoiceLineRow(
  line: InvoiceLinePayload,
  invoice: { id: string },
  read = new StripeFields(line as unknown as Record<string, unknown>),
): MirrorRow<StripeInvoiceLineItem> {
  const parent = read.at('parent');
  const fromSubscription = parent.at('subscription_item_details');
  const fromInvoiceItem = parent.at('invoice_item_details');
  return {
    id: line.id,
    invoiceId: invoice.id,
    amount: read.integer('amount'),
    currency: read.currency('currency'),
    description: read.text('description'),
    priceId: read.at('pricing').at('price_details').id('price') ?? read.id('price') ?? read.id('plan'),
    quantity: read.integer('quantity'),
    periodStart: read.at('period').time('start'),
    periodEnd: read.at('period').time('end'),
    proration: fromSubscription.flag('proration') ?? fromInvoiceItem.flag('proration') ?? read.flag('proration'),
    subscriptionItemId: fromSubscription.id('subscription_item') ?? read.id('subscription_item'),
    subscriptionId: fromSubscription.id('subscription') ?? fromInvoiceItem.id('subscription') ?? read.id('subscription'),
    metadata: read.metadata(),
    raw: toRaw(line),
  };
}
