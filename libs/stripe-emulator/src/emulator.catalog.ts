import type Stripe from 'stripe';
import { productTemplate } from './emulator.fixtures.js';
import { type BillingObject, idOf } from './emulator.kinds.js';
import { catalogPrices, catalogProductId } from './emulator.seed.js';

/*
 * The products of the generated catalog (emulator.seed.ts makes its prices), and the products of
 * prices made up for clients, so that every price a subscription holds lists with its product.
 */

const PRODUCT_NAMES = [
  'Starter plan',
  'Pro plan',
  'Business plan',
  'Enterprise plan',
  'Extra seat',
  'Storage 100 GB',
  'Priority support',
  'API calls 10k',
  'Single sign-on',
  'Audit log',
  'Analytics',
  'Custom domain',
  'Daily backups',
  'Email credits',
  'SMS credits',
  'Data export',
  'Sandbox',
  'Premium templates',
  'Team workspace',
  'Compliance pack',
];

/** Names of the catalog's products, by id: invoice lines quote them. */
const productNames = new Map<string, string>();

export function productName(id: string): string {
  return productNames.get(id) ?? id;
}
function productObject(id: string, name: string, created: number, defaultPrice: string | null): Stripe.Product {
  return { ...productTemplate, id, name, created, updated: created, default_price: defaultPrice };
}

/** The product of a price made up for a client (see `priceById`), so that it lists like the catalog's. */
export function productOfPrice(price: Stripe.Price): Stripe.Product {
  const id = idOf(price.product)!;
  return productObject(id, productNames.get(id) ?? `Product of ${price.id}`, price.created, price.id);
}

/** Every price a generated subscription can hold, each with its product; the default price is the monthly USD one. */
export function catalogObjects(size: number): BillingObject[] {
  const objects: BillingObject[] = [];
  for (let product = 0; product < size; product++) {
    const prices = catalogPrices(product);
    const id = catalogProductId(product);
    const name = PRODUCT_NAMES[product] ?? `Add-on ${product + 1}`;
    productNames.set(id, name);
    objects.push(productObject(id, name, prices[0].created, prices[0].id), ...prices);
  }
  return objects;
}
