import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { fromUnix, idOf, toRaw } from '../stripe-values.js';
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

export function toInvoiceRow(invoice: InvoicePayload): MirrorRow<StripeInvoice> {
  return {
    id: invoice.id,
    customerId: idOf(invoice.customer as Expandable),
    subscriptionId: idOf(invoice.parent?.subscription_details?.subscription ?? invoice.subscription),
    status: invoice.status ?? null,
    number: invoice.number ?? null,
    currency: invoice.currency ?? null,
    amountDue: invoice.amount_due ?? null,
    amountPaid: invoice.amount_paid ?? null,
    amountRemaining: invoice.amount_remaining ?? null,
    total: invoice.total ?? null,
    subtotal: invoice.subtotal ?? null,
    attemptCount: invoice.attempt_count ?? null,
    billingReason: invoice.billing_reason ?? null,
    collectionMethod: invoice.collection_method ?? null,
    dueDate: fromUnix(invoice.due_date),
    periodStart: fromUnix(invoice.period_start),
    periodEnd: fromUnix(invoice.period_end),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    paidAt: fromUnix(invoice.status_transitions?.paid_at),
    livemode: invoice.livemode ?? null,
    metadata: invoice.metadata ?? {},
    created: fromUnix(invoice.created) ?? new Date(0),
    raw: toRaw(invoice),
  };
}

/** A line of either API shape: since 2025-03-31 its price and subscription item sit under `pricing` and `parent`. */
export function toInvoiceLineRow(line: InvoiceLinePayload, invoice: { id?: string }): MirrorRow<StripeInvoiceLineItem> {
  const fromSubscription = line.parent?.subscription_item_details;
  const fromInvoiceItem = line.parent?.invoice_item_details;
  return {
    id: line.id,
    invoiceId: invoice.id!,
    amount: line.amount ?? null,
    currency: line.currency ?? null,
    description: line.description ?? null,
    priceId: idOf(line.pricing?.price_details?.price ?? line.price ?? line.plan),
    quantity: line.quantity ?? null,
    periodStart: fromUnix(line.period?.start),
    periodEnd: fromUnix(line.period?.end),
    proration: fromSubscription?.proration ?? fromInvoiceItem?.proration ?? line.proration ?? null,
    subscriptionItemId: idOf(fromSubscription?.subscription_item ?? line.subscription_item),
    subscriptionId: idOf(fromSubscription?.subscription ?? fromInvoiceItem?.subscription ?? line.subscription),
    metadata: line.metadata ?? {},
    raw: toRaw(line),
  };
}
