import type Stripe from 'stripe';
import { resourceMissing } from './emulator.errors.js';
import {
  type ChildListOrder,
  type CreatedRange,
  embeddedList,
  type Page,
  type PageQuery,
  pageOfChildren,
  SortedList,
  windowOf,
} from './emulator.list.js';
import {
  generateSubscriptions,
  type GeneratedSubscriptions,
  locateSeeded,
  renderSeeded,
  type SeedBatch,
  SeededSubscription,
  type SeedOptions,
} from './emulator.seed.js';

type Status = Stripe.Subscription.Status;

/** A subscription put by a test or written through the API, kept as a full object. */
interface StoredSubscription {
  id: string;
  created: number;
  status: Status;
  customer: string;
  object: Stripe.Subscription;
}

type Entry = SeededSubscription | StoredSubscription;

export type { ChildListOrder };

export interface SubscriptionQuery extends PageQuery, CreatedRange {
  status: (status: Status) => boolean;
  customer?: string;
}

/** A subscription as Stripe sends it: the first items embedded, the rest behind `has_more`. */
export function withEmbeddedItems(subscription: Stripe.Subscription) {
  return { ...subscription, items: embeddedList(subscription.items) };
}

/** Oldest first, ties by id, so that lists read newest first, ties by id descending: a total, stable order. */
function compare(a: Entry, b: Entry): number {
  return a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Renders an entry. The result may share nested objects with the store: serialize or clone it, never mutate it. */
function render(entry: Entry): Stripe.Subscription {
  return entry instanceof SeededSubscription ? renderSeeded(entry) : entry.object;
}

/** In-memory subscriptions, found by id and kept in list order. */
export class SubscriptionStore {
  private readonly stored = new Map<string, StoredSubscription>();
  /** Generated subscriptions by seed call (its index); their ids say where they are, so they need no map of their own. */
  private readonly batches = new Map<number, SeedBatch>();
  private readonly ordered = new SortedList<Entry>(compare);
  /** The order `listItems` gives a subscription's items in: Stripe documents none, so a client must not rely on one. */
  childListOrder: ChildListOrder = 'embedded';

  get size(): number {
    return this.ordered.size;
  }

  has(id: string): boolean {
    return this.find(id) !== undefined;
  }

  /** Generated ones first, in the order they were generated, then the others in the order they were put. */
  ids(): string[] {
    const ids: string[] = [];
    for (const batch of this.batches.values()) for (const record of batch.records) if (record) ids.push(record.id);
    return ids.concat([...this.stored.keys()]);
  }

  /** Ids in list order (newest first, any status), from list position `offset`. */
  idsInListOrder(offset: number, limit: number): string[] {
    return this.ordered.slice(offset, limit).map((entry) => entry.id);
  }

  /** Like `idsInListOrder`, with the ids of all the items of each subscription. */
  itemIdsInListOrder(offset: number, limit: number): { id: string; items: string[] }[] {
    return this.ordered.slice(offset, limit).map((entry) => ({ id: entry.id, items: render(entry).items.data.map((item) => item.id) }));
  }

  /** The ids of a customer's subscriptions that have not ended. */
  liveIdsOfCustomer(customer: string): string[] {
    return this.ordered
      .slice(0, this.ordered.size)
      .filter((entry) => entry.customer === customer && entry.status !== 'canceled' && entry.status !== 'incomplete_expired')
      .map((entry) => entry.id);
  }

  /** A fresh copy with all items, safe to mutate; in wire form (decimals are strings, as in the JSON). */
  get(id: string): Stripe.Subscription | undefined {
    const entry = this.find(id);
    return entry && structuredClone(render(entry));
  }

  /** The stored view for responses: serialize it, never mutate it. */
  view(id: string): Stripe.Subscription | undefined {
    const entry = this.find(id);
    return entry && render(entry);
  }

  /**
   * Adds generated subscriptions; the caller generates what belongs to them (customers, invoices).
   * `batchIndex` counts the seed calls of every account, `catalog` names the account's catalog.
   */
  seed(options: SeedOptions, batchIndex: number, catalog: string): GeneratedSubscriptions {
    const generated = generateSubscriptions(options, batchIndex, catalog);
    this.batches.set(batchIndex, generated.batch);
    this.ordered.addAll(generated.batch.records as SeededSubscription[]);
    return generated;
  }

  put(subscription: Stripe.Subscription): void {
    const { id, created, status, customer } = subscription;
    this.remove(id);
    // Through JSON, not structuredClone: objects from the SDK hold Decimal instances, whose toJSON gives the wire string.
    const object = JSON.parse(JSON.stringify(subscription)) as Stripe.Subscription;
    const entry: StoredSubscription = { id, created, status, customer: typeof customer === 'string' ? customer : customer.id, object };
    this.stored.set(id, entry);
    this.ordered.add(entry);
  }

  update(id: string, patch: Partial<Stripe.Subscription>): Stripe.Subscription {
    const current = this.get(id);
    if (!current) throw new Error(`No such subscription: '${id}'`);
    this.put({ ...current, ...patch, id });
    return this.get(id)!;
  }

  remove(id: string): void {
    const entry = this.find(id);
    if (!entry) return;
    this.ordered.remove(entry);
    if (entry instanceof SeededSubscription) entry.batch.records[entry.index] = undefined;
    else this.stored.delete(id);
  }

  list(query: SubscriptionQuery): Page<Stripe.Subscription> {
    const { status, customer } = query;
    const page = this.ordered.page(
      windowOf(query, 'subscription', (id) => this.find(id)),
      (entry) => status(entry.status) && (customer === undefined || entry.customer === customer),
    );
    return { data: page.data.map(render), hasMore: page.hasMore };
  }

  /** A page of one subscription's items, in the subscription's order. */
  listItems(subscriptionId: string, query: PageQuery): Page<Stripe.SubscriptionItem> {
    const subscription = this.view(subscriptionId);
    if (!subscription) throw resourceMissing('subscription', subscriptionId, 'subscription');
    return pageOfChildren(subscription.items.data, query, this.childListOrder, 'subscription item');
  }

  private find(id: string): Entry | undefined {
    const stored = this.stored.get(id);
    if (stored) return stored;
    const at = locateSeeded(id);
    const record = at && this.batches.get(at.batch)?.records[at.index];
    // The position digits only locate a record; the random ones must match too.
    return record?.id === id ? record : undefined;
  }
}
