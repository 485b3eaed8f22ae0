import { charges } from './charges/charges.object.js';
import { customers } from './customers/customers.object.js';
import { invoices } from './invoices/invoices.object.js';
import type { MirroredObjectDefinition } from './mirrored-object.js';
import { paymentIntents } from './payment-intents/payment-intents.object.js';
import { prices } from './prices/prices.object.js';
import { products } from './products/products.object.js';
import { refunds } from './refunds/refunds.object.js';
import { subscriptions } from './subscriptions/subscriptions.object.js';

export type BuiltInObjectName = 'customer' | 'product' | 'price' | 'subscription' | 'invoice' | 'payment_intent' | 'charge' | 'refund';

/** The types the module mirrors unless `objects` says otherwise, by Stripe name. */
export const BUILT_IN_OBJECTS: Record<BuiltInObjectName, MirroredObjectDefinition> = {
  customer: customers,
  product: products,
  price: prices,
  subscription: subscriptions,
  invoice: invoices,
  payment_intent: paymentIntents,
  charge: charges,
  refund: refunds,
};

/** Every entity the types own: their own and their children's. */
export function entitiesOf(definitions: readonly MirroredObjectDefinition[]) {
  return definitions.flatMap((definition) => [definition.entity, ...(definition.children ?? []).map((child) => child.entity)]);
}

/**
 * The types in an order that mirrors the ones an object refers to before it (a customer before its subscriptions),
 * as far as they are mirrored.
 */
export function parentsFirst(definitions: readonly MirroredObjectDefinition[]): MirroredObjectDefinition[] {
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const ordered: MirroredObjectDefinition[] = [];
  const visit = (definition: MirroredObjectDefinition, path: string[]) => {
    if (ordered.includes(definition) || path.includes(definition.name)) return;
    for (const parent of definition.parents ?? []) {
      const found = byName.get(parent);
      if (found) visit(found, [...path, definition.name]);
    }
    ordered.push(definition);
  };
  for (const definition of definitions) visit(definition, []);
  return ordered;
}
