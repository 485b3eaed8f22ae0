import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { StripeFields } from '../stripe-fields.js';
import { toRaw } from '../stripe-values.js';
import type { StripeProduct } from './stripe-product.entity.js';

export function toProductRow(
  product: Stripe.Product,
  read = new StripeFields(product as unknown as Record<string, unknown>),
): MirrorRow<StripeProduct> {
  return {
    id: product.id,
    name: read.text('name'),
    description: read.text('description'),
    active: read.flag('active'),
    defaultPriceId: read.id('default_price'),
    taxCodeId: read.id('tax_code'),
    unitLabel: read.text('unit_label', 255),
    livemode: read.flag('livemode'),
    metadata: read.metadata(),
    created: read.time('created')!,
    raw: toRaw(product),
  };
}
