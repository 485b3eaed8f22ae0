import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { BILLING_SCHEMES, INTERVALS, PRICE_TYPES, TAX_BEHAVIORS, USAGE_TYPES } from '../stripe-codes.js';
import { StripeFields } from '../stripe-fields.js';
import { toRaw } from '../stripe-values.js';
import type { StripePrice } from './stripe-price.entity.js';

/** Read as Stripe sends it: decimals are strings on the wire. */
export type PricePayload = Omit<Stripe.Price, 'unit_amount_decimal'> & { unit_amount_decimal: string | null };

export function toPriceRow(price: PricePayload, read = new StripeFields(price)): MirrorRow<StripePrice> {
  const recurring = read.at('recurring');
  return {
    id: price.id,
    productId: read.id('product'),
    active: read.flag('active'),
    currency: read.currency('currency'),
    unitAmount: read.integer('unit_amount'),
    unitAmountDecimal: read.code('unit_amount_decimal'),
    type: read.code('type', PRICE_TYPES),
    billingScheme: read.code('billing_scheme', BILLING_SCHEMES),
    recurringInterval: recurring.code('interval', INTERVALS),
    recurringIntervalCount: recurring.integer('interval_count'),
    recurringUsageType: recurring.code('usage_type', USAGE_TYPES),
    lookupKey: read.text('lookup_key', 255),
    nickname: read.text('nickname'),
    taxBehavior: read.code('tax_behavior', TAX_BEHAVIORS),
    livemode: read.flag('livemode'),
    metadata: read.metadata(),
    created: read.time('created')!,
    raw: toRaw(price),
  };
}
