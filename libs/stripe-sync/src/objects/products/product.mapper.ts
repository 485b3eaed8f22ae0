import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { fromUnix, idOf, toRaw } from '../stripe-values.js';
import type { StripeProduct } from './stripe-product.entity.js';

export function toProductRow(product: Stripe.Product): MirrorRow<StripeProduct> {
  return {
    id: product.id,
    name: product.name ?? null,
    description: product.description ?? null,
    active: product.active ?? null,
    defaultPriceId: idOf(product.default_price),
    taxCodeId: idOf(product.tax_code),
    unitLabel: product.unit_label ?? null,
    livemode: product.livemode ?? null,
    metadata: product.metadata ?? {},
    created: fromUnix(product.created) ?? new Date(0),
    raw: toRaw(product),
  };
}
