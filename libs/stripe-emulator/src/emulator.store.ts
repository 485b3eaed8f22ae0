import type Stripe from 'stripe';
import { resourceMissing } from './emulator.errors.js';
import { renderSeeded, type SeededSubscription } from './emulator.seed.js';

type Status = Stripe.Subscription.Status;

/** A subscription put by a test or an update, kept as a full object. */
interface StoredSubscription {
  id: string;
  created: number;
  status: Status;
  customer: string;
  object: Stripe.Subscription;
}

type Entry = SeededSubscription | StoredSubscription;

export interface PageQuery {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
}

export interface SubscriptionQuery extends PageQuery {
  status: (status: Status) => boolean;
  customer?: string;
  createdMin: number;
  createdMax: number;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

/** List order: newest first, ties broken by id descending, so the order is total and stable. */
function compare(a: Entry, b: Entry): number {
  return b.created - a.created || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The first index in `sorted` for which `isAfter` holds (it must be false, then true). */
function firstIndex(sorted: Entry[], isAfter: (entry: Entry) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isAfter(sorted[middle])) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Renders an entry. The result may share nested objects with the store: serialize or clone it, never mutate it. */
function render(entry: Entry): Stripe.Subscription {
  return 'object' in entry ? entry.object : renderSeeded(entry);
}

/** In-memory subscriptions, kept both by id and in list order. */
export class SubscriptionStore {
  private readonly byId = new Map<string, Entry>();
  private ordered: Entry[] = [];

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** A fresh copy with all items, safe to mutate; in wire form (decimals are strings, as in the JSON). */
  get(id: string): Stripe.Subscription | undefined {
    const entry = this.byId.get(id);
    return entry && structuredClone(render(entry));
  }

  /** The stored view for responses: serialize it, never mutate it. */
  view(id: string): Stripe.Subscription | undefined {
    const entry = this.byId.get(id);
    return entry && render(entry);
  }

  addSeeded(records: SeededSubscription[]): void {
    for (const record of records) this.byId.set(record.id, record);
    // One sort for a whole batch: inserting a million records one by one would be quadratic.
    this.ordered = this.ordered.concat(records).sort(compare);
  }

  put(subscription: Stripe.Subscription): void {
    const { id, created, status, customer } = subscription;
    this.remove(id);
    // Through JSON, not structuredClone: objects from the SDK hold Decimal instances, whose toJSON gives the wire string.
    const object: Stripe.Subscription = JSON.parse(JSON.stringify(subscription));
    const entry: StoredSubscription = { id, created, status, customer: typeof customer === 'string' ? customer : customer.id, object };
    this.byId.set(id, entry);
    this.ordered.splice(this.position(entry), 0, entry);
  }

  update(id: string, patch: Partial<Stripe.Subscription>): Stripe.Subscription {
    const current = this.get(id);
    if (!current) throw new Error(`No such subscription: '${id}'`);
    this.put({ ...current, ...patch, id });
    return this.get(id)!;
  }

  remove(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    this.ordered.splice(this.position(entry), 1);
  }

  list(query: SubscriptionQuery): Page<Stripe.Subscription> {
    const { status, customer, createdMin, createdMax, limit } = query;
    // `created` bounds select a contiguous range of the sorted entries.
    const start = firstIndex(this.ordered, (entry) => entry.created <= createdMax);
    const end = firstIndex(this.ordered, (entry) => entry.created < createdMin);
    const backwards = query.endingBefore !== undefined;
    let index = start;
    if (query.startingAfter !== undefined) index = Math.max(start, this.cursor(query.startingAfter, 'starting_after') + 1);
    if (query.endingBefore !== undefined) index = Math.min(end, this.cursor(query.endingBefore, 'ending_before')) - 1;
    const found: Entry[] = [];
    // Look one past the limit to know whether there is more.
    for (; found.length <= limit && index >= start && index < end; index += backwards ? -1 : 1) {
      const entry = this.ordered[index];
      if (status(entry.status) && (customer === undefined || entry.customer === customer)) found.push(entry);
    }
    const page = found.slice(0, limit);
    // Backwards pages still read newest first, as Stripe's do.
    if (backwards) page.reverse();
    return { data: page.map(render), hasMore: found.length > limit };
  }

  /** A page of one subscription's items, in the subscription's order. */
  listItems(subscriptionId: string, query: PageQuery): Page<Stripe.SubscriptionItem> {
    const subscription = this.view(subscriptionId);
    if (!subscription) throw resourceMissing('subscription', subscriptionId, 'subscription');
    const items = subscription.items.data;
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

  /** Where an entry sits (or would sit) in list order. */
  private position(entry: Entry): number {
    return firstIndex(this.ordered, (other) => compare(other, entry) >= 0);
  }

  /** The list position of a cursor object; Stripe answers an unknown cursor with 400. */
  private cursor(id: string, param: string): number {
    const entry = this.byId.get(id);
    if (!entry) throw resourceMissing('subscription', id, param, 400);
    return this.position(entry);
  }
}
