import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { CHARGE_STATUSES } from '../stripe-codes.js';
import { StripeFields } from '../stripe-fields.js';
import { toRaw } from '../stripe-values.js';
import type { StripeCharge } from './stripe-charge.entity.js';

/** `invoice`: API versions before 2025-03-31. */
export type ChargePayload = Stripe.Charge & { invoice?: string | { id: string } | null };

export function toChargeRow(
  charge: ChargePayload,
  read = new StripeFields(charge as unknown as Record<string, unknown>),
): MirrorRow<StripeCharge> {
  return {
    id: charge.id,
    customerId: read.id('customer'),
    paymentIntentId: read.id('payment_intent'),
    invoiceId: read.id('invoice'),
    status: read.code('status', CHARGE_STATUSES),
    paid: read.flag('paid'),
    captured: read.flag('captured'),
    refunded: read.flag('refunded'),
    amount: read.integer('amount'),
    amountCaptured: read.integer('amount_captured'),
    amountRefunded: read.integer('amount_refunded'),
    currency: read.currency('currency'),
    failureCode: read.code('failure_code'),
    failureMessage: read.text('failure_message'),
    outcomeType: read.at('outcome').code('type'),
    receiptUrl: read.text('receipt_url'),
    livemode: read.flag('livemode'),
    metadata: read.metadata(),
    created: read.time('created')!,
    raw: toRaw(charge),
  };
}
