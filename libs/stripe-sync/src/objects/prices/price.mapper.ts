import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { fromUnix, idOf, toRaw } from '../stripe-values.js';
import type { StripePrice } from './stripe-price.entity.js';

/** Read as Stripe sends it: decimals are strings on the wire. */
export type PricePayload = Omit<Stripe.Price, 'unit_amount_decimal'> & { unit_amount_decimal: string | null };

export function toPriceRow(price: PricePayload): MirrorRow<StripePrice> {
  return {
    id: price.id,
    productId: idOf(price.product),
    active: price.active ?? null,
    currency: price.currency ?? null,
    unitAmount: price.unit_amount ?? null,
    unitAmountDecimal: price.unit_amount_decimal === null || price.unit_amount_decimal === undefined ? null : String(price.unit_amount_decimal),
    type: price.type ?? null,
    billingScheme: price.billing_scheme ?? null,
    recurringInterval: price.recurring?.interval ?? null,
    recurringIntervalCount: price.recurring?.interval_count ?? null,
    recurringUsageType: price.recurring?.usage_type ?? null,
    lookupKey: price.lookup_key ?? null,
    nickname: price.nickname ?? null,
    taxBehavior: price.tax_behavior ?? null,
    livemode: price.livemode ?? null,
    metadata: price.metadata ?? {},
    created: fromUnix(price.created) ?? new Date(0),
    raw: toRaw(price),
  };
}
