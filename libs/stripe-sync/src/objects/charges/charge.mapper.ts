import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { fromUnix, idOf, toRaw } from '../stripe-values.js';
import type { StripeCharge } from './stripe-charge.entity.js';

/** `invoice`: API versions before 2025-03-31. */
export type ChargePayload = Stripe.Charge & { invoice?: string | { id: string } | null };

export function toChargeRow(charge: ChargePayload): MirrorRow<StripeCharge> {
  return {
    id: charge.id,
    customerId: idOf(charge.customer),
    paymentIntentId: idOf(charge.payment_intent),
    invoiceId: idOf(charge.invoice),
    status: charge.status ?? null,
    paid: charge.paid ?? null,
    captured: charge.captured ?? null,
    refunded: charge.refunded ?? null,
    amount: charge.amount ?? null,
    amountCaptured: charge.amount_captured ?? null,
    amountRefunded: charge.amount_refunded ?? null,
    currency: charge.currency ?? null,
    failureCode: charge.failure_code ?? null,
    failureMessage: charge.failure_message ?? null,
    outcomeType: charge.outcome?.type ?? null,
    receiptUrl: charge.receipt_url ?? null,
    livemode: charge.livemode ?? null,
    metadata: charge.metadata ?? {},
    created: fromUnix(charge.created) ?? new Date(0),
    raw: toRaw(charge),
  };
}
