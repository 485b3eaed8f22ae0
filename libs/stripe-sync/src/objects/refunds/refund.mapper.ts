import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { fromUnix, idOf, toRaw } from '../stripe-values.js';
import type { StripeRefund } from './stripe-refund.entity.js';

export function toRefundRow(refund: Stripe.Refund): MirrorRow<StripeRefund> {
  return {
    id: refund.id,
    chargeId: idOf(refund.charge),
    paymentIntentId: idOf(refund.payment_intent),
    status: refund.status ?? null,
    amount: refund.amount ?? null,
    currency: refund.currency ?? null,
    reason: refund.reason ?? null,
    metadata: refund.metadata ?? {},
    created: fromUnix(refund.created) ?? new Date(0),
    raw: toRaw(refund),
  };
}
