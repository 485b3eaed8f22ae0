import type Stripe from 'stripe';
import { resourceMissing } from './emulator.errors.js';
import {
  type BillingObject,
  type BillingObjects,
  type DeletedObject,
  type Facts,
  isObjectType,
  KINDS,
  OBJECT_TYPES,
  type ObjectEntry,
  type ObjectType,
} from './emulator.kinds.js';
import {
  type ChildListOrder,
  type CreatedRange,
  type Page,
  type PageQuery,
  pageOfChildren,
  SortedList,
  windowOf,
} from './emulator.list.js';

/*
 * One generic store for the billing objects: every entry, a full object or a compact generated
 * record, is found, sorted and filtered the same way, by the declarations of emulator.kinds.ts.
 */

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
  /** Deleted ids: never reused, not brought back by a later seed, and for customers still retrievable as a stub. */
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

  isDeleted(type: ObjectType, id: string): boolean {
    return this.shelves[type].deleted.has(id);
  }

  /** What retrieve answers for a deleted object of a kind that keeps one: `{ id, object, deleted: true }`. */
  stub(type: ObjectType, id: string): DeletedObject | undefined {
    return KINDS[type].retrievableWhenDeleted && this.isDeleted(type, id) ? { id, object: type, deleted: true } : undefined;
  }

  /** The object, or the stub of a deleted customer; throws `resource_missing` (404) otherwise. */
  retrieve<T extends ObjectType>(type: T, id: string): BillingObjects[T] | DeletedObject {
    return this.stub(type, id) ?? this.existing(type, id);
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
    const entry = new StoredObject(JSON.parse(JSON.stringify(object)) as BillingObject);
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

  /** Adds the entries whose ids no object has or had, as a catalog that several seeds share. */
  addIfAbsent(type: ObjectType, entries: ObjectEntry[]): void {
    const shelf = this.shelves[type];
    this.add(
      type,
      entries.filter((entry) => !shelf.byId.has(entry.id) && !shelf.deleted.has(entry.id)),
    );
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
    this.shelves[type].deleted.add(id);
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
