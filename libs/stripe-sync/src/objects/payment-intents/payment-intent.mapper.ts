import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { CAPTURE_METHODS, PAYMENT_INTENT_STATUSES } from '../stripe-codes.js';
import { StripeFields } from '../stripe-fields.js';
import { toRaw } from '../stripe-values.js';
import type { StripePaymentIntent } from './stripe-payment-intent.entity.js';

/** `invoice`: API versions before 2025-03-31. */
export type PaymentIntentPayload = Stripe.PaymentIntent & { invoice?: string | { id: string } | null };

export function toPaymentIntentRow(
  intent: PaymentIntentPayload,
  read = new StripeFields(intent as unknown as Record<string, unknown>),
): MirrorRow<StripePaymentIntent> {
  return {
    id: intent.id,
    customerId: read.id('customer'),
    invoiceId: read.id('invoice'),
    status: read.code('status', PAYMENT_INTENT_STATUSES),
    amount: read.integer('amount'),
    amountReceived: read.integer('amount_received'),
    currency: read.currency('currency'),
    captureMethod: read.code('capture_method', CAPTURE_METHODS),
    paymentMethodId: read.id('payment_method'),
    latestChargeId: read.id('latest_charge'),
    cancellationReason: read.code('cancellation_reason'),
    description: read.text('description'),
    livemode: read.flag('livemode'),
    metadata: read.metadata(),
    created: read.time('created')!,
    raw: toRaw(intent),
  };
}
