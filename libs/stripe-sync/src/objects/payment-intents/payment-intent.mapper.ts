import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { fromUnix, idOf, toRaw } from '../stripe-values.js';
import type { StripePaymentIntent } from './stripe-payment-intent.entity.js';

/** `invoice`: API versions before 2025-03-31. */
export type PaymentIntentPayload = Stripe.PaymentIntent & { invoice?: string | { id: string } | null };

export function toPaymentIntentRow(intent: PaymentIntentPayload): MirrorRow<StripePaymentIntent> {
  return {
    id: intent.id,
    customerId: idOf(intent.customer),
    invoiceId: idOf(intent.invoice),
    status: intent.status ?? null,
    amount: intent.amount ?? null,
    amountReceived: intent.amount_received ?? null,
    currency: intent.currency ?? null,
    captureMethod: intent.capture_method ?? null,
    paymentMethodId: idOf(intent.payment_method),
    latestChargeId: idOf(intent.latest_charge),
    cancellationReason: intent.cancellation_reason ?? null,
    description: intent.description ?? null,
    livemode: intent.livemode ?? null,
    metadata: intent.metadata ?? {},
    created: fromUnix(intent.created) ?? new Date(0),
    raw: toRaw(intent),
  };
}
