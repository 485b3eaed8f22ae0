import type Stripe from 'stripe';
import type { StripeObject } from './emulator.events.js';
import { embeddedList } from './emulator.list.js';
import { withEmbeddedItems } from './emulator.store.js';

/*
 * The billing objects beside subscriptions, each type a declaration: its list path, the facts its
 * list filters compare, how a deleted one answers. The store, the routes and the seed read these.
 */

/** The object types of this store, by Stripe's `object` name. */
export const OBJECT_TYPES = ['customer', 'product', 'price', 'invoice', 'payment_intent', 'charge', 'refund'] as const;

export type ObjectType = (typeof OBJECT_TYPES)[number];

/** What the SDK types each one as. */
export interface BillingObjects {
  customer: Stripe.Customer;
  product: Stripe.Product;
  price: Stripe.Price;
  invoice: Stripe.Invoice;
  payment_intent: Stripe.PaymentIntent;
  charge: Stripe.Charge;
  refund: Stripe.Refund;
}

export type BillingObject = BillingObjects[ObjectType];

/** What a deleted customer or product answers (customers on retrieve too). */
export interface DeletedObject {
  id: string;
  object: ObjectType;
  deleted: true;
}

/** The flat values list filters compare, by name. */
export type Facts = Readonly<Record<string, string | boolean | null>>;

/** What the store keeps of an object: enough to find, sort and filter it, and a way to render the rest. */
export interface ObjectEntry {
  readonly id: string;
  readonly created: number;
  /** Equal to the kind's `facts` of the rendered object, but cheap: lists read them for every entry they pass. */
  readonly facts: Facts;
  /** The full object in wire form (an invoice with all its lines). It may share nested objects: serialize or clone it, never mutate it. */
  render(): BillingObject;
}

/** A list filter: the query parameter, the fact it compares and how. */
export interface ListFilter {
  param: string;
  fact: string;
  /** `text` (default): equal; `boolean`: 'true' or 'false'; `any`: a list parameter such as `ids[]`, any of its values. */
  type?: 'text' | 'boolean' | 'any';
  /** The values Stripe accepts; others are a 400. */
  values?: readonly string[];
}

export interface ObjectKind {
  type: ObjectType;
  /** The list's path, e.g. `/v1/customers`. */
  path: string;
  facts(object: BillingObject): Facts;
  filters: readonly ListFilter[];
  /** After a delete, retrieve answers `{ id, object, deleted: true }` (customers) instead of 404 (products). */
  retrievableWhenDeleted?: boolean;
}

/** An id field, expanded or not. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}

/** Reads a billing object as the one type the caller knows it has. */
function as<T extends ObjectType>(object: BillingObject): BillingObjects[T] {
  return object as BillingObjects[T];
}

export const KINDS: Readonly<Record<ObjectType, ObjectKind>> = {
  customer: {
    type: 'customer',
    path: '/v1/customers',
    facts: (object) => ({ email: as<'customer'>(object).email }),
    filters: [{ param: 'email', fact: 'email' }],
    retrievableWhenDeleted: true,
  },
  product: {
    type: 'product',
    path: '/v1/products',
    facts: (object) => ({ id: object.id, active: as<'product'>(object).active }),
    filters: [
      { param: 'active', fact: 'active', type: 'boolean' },
      { param: 'ids', fact: 'id', type: 'any' },
    ],
  },
  price: {
    type: 'price',
    path: '/v1/prices',
    facts: (object) => {
      const { active, product, type, currency, lookup_key } = as<'price'>(object);
      return { active, product: idOf(product), type, currency, lookup_key };
    },
    filters: [
      { param: 'active', fact: 'active', type: 'boolean' },
      { param: 'product', fact: 'product' },
      { param: 'type', fact: 'type', values: ['one_time', 'recurring'] },
      { param: 'currency', fact: 'currency' },
      { param: 'lookup_keys', fact: 'lookup_key', type: 'any' },
    ],
  },
  invoice: {
    type: 'invoice',
    path: '/v1/invoices',
    facts: (object) => {
      const { customer, parent, status, collection_method } = as<'invoice'>(object);
      return { customer: idOf(customer), subscription: idOf(parent?.subscription_details?.subscription), status, collection_method };
    },
    filters: [
      { param: 'customer', fact: 'customer' },
      { param: 'subscription', fact: 'subscription' },
      { param: 'status', fact: 'status', values: ['draft', 'open', 'paid', 'uncollectible', 'void'] },
      { param: 'collection_method', fact: 'collection_method', values: ['charge_automatically', 'send_invoice'] },
    ],
  },
  payment_intent: {
    type: 'payment_intent',
    path: '/v1/payment_intents',
    facts: (object) => ({ customer: idOf(as<'payment_intent'>(object).customer) }),
    filters: [{ param: 'customer', fact: 'customer' }],
  },
  charge: {
    type: 'charge',
    path: '/v1/charges',
    facts: (object) => {
      const { customer, payment_intent } = as<'charge'>(object);
      return { customer: idOf(customer), payment_intent: idOf(payment_intent) };
    },
    filters: [
      { param: 'customer', fact: 'customer' },
      { param: 'payment_intent', fact: 'payment_intent' },
    ],
  },
  refund: {
    type: 'refund',
    path: '/v1/refunds',
    facts: (object) => {
      const { charge, payment_intent } = as<'refund'>(object);
      return { charge: idOf(charge), payment_intent: idOf(payment_intent) };
    },
    filters: [
      { param: 'charge', fact: 'charge' },
      { param: 'payment_intent', fact: 'payment_intent' },
    ],
  },
};

export function isObjectType(type: string): type is ObjectType {
  return (OBJECT_TYPES as readonly string[]).includes(type);
}

/** An invoice as Stripe sends it: the first lines embedded, the rest behind `has_more`. */
export function withEmbeddedLines(invoice: Stripe.Invoice) {
  return { ...invoice, lines: embeddedList(invoice.lines) };
}

/** An object as Stripe sends it: child lists (subscription items, invoice lines) embed at most 10 entries. */
export function wireForm(object: StripeObject): StripeObject {
  if (object.object === 'subscription' && 'items' in object) return withEmbeddedItems(object as Stripe.Subscription);
  if (object.object === 'invoice' && 'lines' in object) return withEmbeddedLines(object as Stripe.Invoice);
  return object;
}
