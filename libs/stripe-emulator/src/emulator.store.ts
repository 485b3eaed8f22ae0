import type Stripe from 'stripe';
import { resourceMissing } from './emulator.errors.js';
import { type CreatedRange, type Page, type PageQuery, SortedList, windowOf, wireList } from './emulator.list.js';
import { generateSubscriptions, locateSeeded, renderSeeded, type SeedBatch, SeededSubscription, type SeedOptions } from './emulator.seed.js';

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

/** `embedded`: the order of the object's embedded list; `reverse`: the opposite. */
export type ChildListOrder = 'embedded' | 'reverse';

export interface SubscriptionQuery extends PageQuery, CreatedRange {
  status: (status: Status) => boolean;
  customer?: string;
}

/** Stripe embeds at most this many items in a subscription; the rest come from /v1/subscription_items. */
const EMBEDDED_ITEMS = 10;

/** A subscription as Stripe sends it: the first items embedded, the rest behind `has_more`. */
export function withEmbeddedItems(subscription: Stripe.Subscription) {
  const items = subscription.items.data;
  return {
    ...subscription,
    items: {
      ...wireList(subscription.items.url, items.slice(0, EMBEDDED_ITEMS), items.length > EMBEDDED_ITEMS),
      total_count: items.length,
    },
  };
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
  /** Generated subscriptions by seed call; their ids say where they are, so they need no map of their own. */
  private readonly batches: SeedBatch[] = [];
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
    for (const batch of this.batches) for (const record of batch.records) if (record) ids.push(record.id);
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

  seed(options: SeedOptions): void {
    const batch = generateSubscriptions(options, this.batches.length);
    this.batches.push(batch);
    this.ordered.addAll(batch.records as SeededSubscription[]);
  }

  put(subscription: Stripe.Subscription): void {
    const { id, created, status, customer } = subscription;
    this.remove(id);
    // Through JSON, not structuredClone: objects from the SDK hold Decimal instances, whose toJSON gives the wire string.
    const object: Stripe.Subscription = JSON.parse(JSON.stringify(subscription));
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
    const items = this.childListOrder === 'reverse' ? subscription.items.data.toReversed() : subscription.items.data;
    const cursor = (id: string, param: string) => {
      const index = items.findIndex((item) => item.id === id);
      if (index < 0) throw resourceMissing('subscription item', id, param, 400);
      return index;
    };
    if (query.endingBefore !== undefined) {
      const end = cursor(query.endingBefore, 'ending_before');
      const start = Math.max(0, end - query.limit);
      return { data: items.slice(start, end), hasMore: start > 0 };
    }
    const start = query.startingAfter === undefined ? 0 : cursor(query.startingAfter, 'starting_after') + 1;
    return { data: items.slice(start, start + query.limit), hasMore: start + query.limit < items.length };
  }

  private find(id: string): Entry | undefined {
    const stored = this.stored.get(id);
    if (stored) return stored;
    const at = locateSeeded(id);
    const record = at && this.batches[at.batch]?.records[at.index];
    // The position digits only locate a record; the random ones must match too.
    return record?.id === id ? record : undefined;
  }
}
