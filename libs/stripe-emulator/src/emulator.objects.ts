import type Stripe from 'stripe';
import { resourceMissing } from './emulator.errors.js';
import type { StripeObject } from './emulator.events.js';
import { type ChildListOrder, type CreatedRange, embeddedList, type Page, type PageQuery, pageOfChildren, SortedList, windowOf } from './emulator.list.js';
import { withEmbeddedItems } from './emulator.store.js';

/*
 * The billing objects beside subscriptions, in one generic store: each type is a declaration (its
 * list path, the facts its list filters compare, how a deleted one answers), and every entry,
 * whether a full object or a compact generated record, is found, sorted and filtered the same way.
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

/** An object put by a test or written through the API, kept whole. */
class StoredObject implements ObjectEntry {
  readonly facts: Facts;

  constructor(private readonly object: BillingObject) {
    this.facts = KINDS[object.object].facts(object);
  }

  get id(): string {
    return this.object.id;
  }

  get created(): number {
    return this.object.created;
  }

  render(): BillingObject {
    return this.object;
  }
}

/** Oldest first, ties by id: lists read newest first, ties by id descending, as subscriptions do. */
function compare(a: ObjectEntry, b: ObjectEntry): number {
  return a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The objects of one type. */
class Shelf {
  readonly byId = new Map<string, ObjectEntry>();
  readonly ordered = new SortedList<ObjectEntry>(compare);
  /** Deleted ids whose retrieve still answers, as `{ id, object, deleted: true }`. */
  readonly deleted = new Set<string>();
}

/** In-memory billing objects of every type, found by id and kept in list order. */
export class ObjectStore {
  private readonly shelves = Object.fromEntries(OBJECT_TYPES.map((type) => [type, new Shelf()])) as Record<ObjectType, Shelf>;
  /** Each invoice's payment intent: API 2026-10-28 shows the link on neither object, but paying and voiding need it. */
  private readonly intents = new Map<string, string>();
  /** The order invoice lines are listed in, as `SubscriptionStore.childListOrder`. */
  childListOrder: ChildListOrder = 'embedded';

  size(type: ObjectType): number {
    return this.shelves[type].ordered.size;
  }

  counts(): Record<ObjectType, number> {
    return Object.fromEntries(OBJECT_TYPES.map((type) => [type, this.size(type)])) as Record<ObjectType, number>;
  }

  has(type: ObjectType, id: string): boolean {
    return this.shelves[type].byId.has(id);
  }

  /** In the order they were added: generated ones in the order generated, then the others. */
  ids(type: ObjectType): string[] {
    return [...this.shelves[type].byId.keys()];
  }

  idsInListOrder(type: ObjectType, offset: number, limit: number): string[] {
    return this.shelves[type].ordered.slice(offset, limit).map((entry) => entry.id);
  }

  /** The stored view for responses: serialize it, never mutate it. */
  view<T extends ObjectType>(type: T, id: string): BillingObjects[T] | undefined {
    return this.shelves[type].byId.get(id)?.render() as BillingObjects[T] | undefined;
  }

  /** A fresh copy, safe to mutate, in wire form. */
  get<T extends ObjectType>(type: T, id: string): BillingObjects[T] | undefined {
    const object = this.view(type, id);
    return object && structuredClone(object);
  }

  /** Deleted and still answered by retrieve, as a stub. */
  isDeleted(type: ObjectType, id: string): boolean {
    return this.shelves[type].deleted.has(id);
  }

  /** The object, or the stub of a deleted customer; throws `resource_missing` (404) otherwise. */
  retrieve<T extends ObjectType>(type: T, id: string): BillingObjects[T] | DeletedObject {
    if (this.isDeleted(type, id)) return { id, object: type, deleted: true };
    return this.existing(type, id);
  }

  /** The live object (a fresh copy, safe to mutate); throws `resource_missing` with `param` and `status` otherwise. */
  existing<T extends ObjectType>(type: T, id: string, param = 'id', status = 404): BillingObjects[T] {
    const object = this.get(type, id);
    if (!object) throw resourceMissing(type, id, param, status);
    return object;
  }

  /** Inserts or replaces a full object. */
  put(object: BillingObject): void {
    if (!isObjectType(object.object)) throw new TypeError(`putObject: not an object the emulator stores: ${String(object.object)}`);
    // Through JSON, not structuredClone: objects from the SDK hold Decimal instances, whose toJSON gives the wire string.
    const entry = new StoredObject(JSON.parse(JSON.stringify(object)));
    this.remove(object.object, object.id);
    const shelf = this.shelves[object.object];
    shelf.byId.set(entry.id, entry);
    shelf.ordered.add(entry);
  }

  /** Puts an object unless one with its id exists or was deleted, as a catalog that several seeds share. */
  putIfAbsent(object: BillingObject): void {
    const shelf = this.shelves[object.object];
    if (!shelf.byId.has(object.id) && !shelf.deleted.has(object.id)) this.put(object);
  }

  /** Adds generated entries, whose ids must be new. */
  add(type: ObjectType, entries: ObjectEntry[]): void {
    const shelf = this.shelves[type];
    for (const entry of entries) {
      if (shelf.byId.has(entry.id)) throw new Error(`seed: generated ${type} id ${entry.id} is taken`);
      shelf.byId.set(entry.id, entry);
    }
    shelf.ordered.addAll(entries);
  }

  /** The id of the newest object whose facts satisfy `test`. */
  find(type: ObjectType, test: (facts: Facts) => boolean): string | undefined {
    const { ordered } = this.shelves[type];
    return ordered.slice(0, ordered.size).find((entry) => test(entry.facts))?.id;
  }

  /** Gone from lists and retrieve, as if it never existed. */
  remove(type: ObjectType, id: string): void {
    const shelf = this.shelves[type];
    shelf.deleted.delete(id);
    const entry = shelf.byId.get(id);
    if (!entry) return;
    shelf.byId.delete(id);
    shelf.ordered.remove(entry);
  }

  /** Deleted as Stripe deletes: out of the list, and a stub on retrieve where the kind keeps one. */
  markDeleted(type: ObjectType, id: string): void {
    this.remove(type, id);
    if (KINDS[type].retrievableWhenDeleted) this.shelves[type].deleted.add(id);
  }

  list<T extends ObjectType>(type: T, query: PageQuery & CreatedRange, keep: (facts: Facts) => boolean): Page<BillingObjects[T]> {
    const shelf = this.shelves[type];
    const page = shelf.ordered.page(
      windowOf(query, type, (id) => shelf.byId.get(id)),
      (entry) => keep(entry.facts),
    );
    return { data: page.data.map((entry) => entry.render() as BillingObjects[T]), hasMore: page.hasMore };
  }

  /** A page of all the lines of one invoice. */
  listLines(invoiceId: string, query: PageQuery): Page<Stripe.InvoiceLineItem> {
    const invoice = this.view('invoice', invoiceId);
    if (!invoice) throw resourceMissing('invoice', invoiceId, 'invoice');
    return pageOfChildren(invoice.lines.data, query, this.childListOrder, 'line item');
  }

  linkIntent(invoiceId: string, paymentIntentId: string): void {
    this.intents.set(invoiceId, paymentIntentId);
  }

  /** The payment intent that pays (or tried to pay) an invoice, if there is one. */
  intentOf(invoiceId: string): string | undefined {
    return this.intents.get(invoiceId);
  }
}
