import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { REFUND_STATUSES } from '../stripe-codes.js';
import { StripeFields } from '../stripe-fields.js';
import { toRaw } from '../stripe-values.js';
import type { StripeRefund } from './stripe-refund.entity.js';

export function toRefundRow(
  refund: Stripe.Refund,
  read = new StripeFields(refund as unknown as Record<string, unknown>),
): MirrorRow<StripeRefund> {
  return {
    id: refund.id,
    chargeId: read.id('charge'),
    paymentIntentId: read.id('payment_intent'),
    status: read.code('status', REFUND_STATUSES),
    amount: read.integer('amount'),
    currency: read.currency('currency'),
    reason: read.code('reason'),
    metadata: read.metadata(),
    created: read.time('created')!,
    raw: toRaw(refund),
  };
}
