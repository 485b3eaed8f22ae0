import { resourceMissing } from './emulator.errors.js';

/** The paging parameters of every Stripe list endpoint. */
export interface PageQuery {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
}

/** A `created` filter folded into one inclusive range. */
export interface CreatedRange {
  createdMin: number;
  createdMax: number;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

/** A page request whose cursors are already resolved to entries. */
export interface Window<T> extends CreatedRange {
  limit: number;
  startingAfter?: T;
  endingBefore?: T;
}

/** Resolves a query's cursors with `find`; Stripe answers an unknown cursor with 400. */
export function windowOf<T>(query: PageQuery & CreatedRange, kind: string, find: (id: string) => T | undefined): Window<T> {
  const cursor = (id: string | undefined, param: string) => {
    if (id === undefined) return undefined;
    const entry = find(id);
    if (!entry) throw resourceMissing(kind, id, param, 400);
    return entry;
  };
  return {
    ...query,
    startingAfter: cursor(query.startingAfter, 'starting_after'),
    endingBefore: cursor(query.endingBefore, 'ending_before'),
  };
}

/** A list as Stripe's JSON holds it. */
export function wireList<T>(url: string, data: T[], hasMore: boolean) {
  return { object: 'list' as const, data, has_more: hasMore, url };
}

/** Stripe embeds at most this many entries of a child list (subscription items, invoice lines); the rest come from its `url`. */
const EMBEDDED = 10;

/** A child list as an object embeds it: the first entries, `has_more`, and the count of all. */
export function embeddedList<T>({ url, data }: { url: string; data: T[] }) {
  return { ...wireList(url, data.slice(0, EMBEDDED), data.length > EMBEDDED), total_count: data.length };
}

/** `embedded`: the order of the object's embedded list; `reverse`: the opposite. */
export type ChildListOrder = 'embedded' | 'reverse';

/**
 * A page of a child list (all of one object's items or lines) in `order`. `kind` names the child
 * in the error for an unknown cursor.
 */
export function pageOfChildren<T extends { id: string }>(children: T[], query: PageQuery, order: ChildListOrder, kind: string): Page<T> {
  const entries = order === 'reverse' ? children.toReversed() : children;
  const cursor = (id: string, param: string) => {
    const index = entries.findIndex((entry) => entry.id === id);
    if (index < 0) throw resourceMissing(kind, id, param, 400);
    return index;
  };
  if (query.endingBefore !== undefined) {
    const end = cursor(query.endingBefore, 'ending_before');
    const start = Math.max(0, end - query.limit);
    return { data: entries.slice(start, end), hasMore: start > 0 };
  }
  const start = query.startingAfter === undefined ? 0 : cursor(query.startingAfter, 'starting_after') + 1;
  return { data: entries.slice(start, start + query.limit), hasMore: start + query.limit < entries.length };
}

/** The first index in `sorted` for which `isAfter` holds (it must be false, then true). */
function firstIndex<T>(sorted: T[], isAfter: (entry: T) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isAfter(sorted[middle])) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * Entries in Stripe's list order: newest first, ties broken by the order `compare` gives. They are
 * kept oldest first, so that adding the newest entry, the usual case, appends.
 */
export class SortedList<T extends { created: number }> {
  private entries: T[] = [];

  /** `compare` orders entries oldest first and must be total. */
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.entries.length;
  }

  add(entry: T): void {
    this.entries.splice(this.indexOf(entry), 0, entry);
  }

  addAll(entries: T[]): void {
    // One sort for a whole batch: inserting a million entries one by one would be quadratic.
    this.entries = this.entries.concat(entries).sort(this.compare);
  }

  remove(entry: T): void {
    this.entries.splice(this.indexOf(entry), 1);
  }

  /** Up to `count` entries in list order, from list position `offset`. */
  slice(offset: number, count: number): T[] {
    const end = Math.max(0, this.entries.length - offset);
    return this.entries.slice(Math.max(0, end - count), end).reverse();
  }

  /** A page in list order. The `created` range is a contiguous run of entries, so only that run is scanned. */
  page(window: Window<T>, keep: (entry: T) => boolean): Page<T> {
    const { limit } = window;
    const low = firstIndex(this.entries, (entry) => entry.created >= window.createdMin);
    const high = firstIndex(this.entries, (entry) => entry.created > window.createdMax);
    const found: T[] = [];
    // Look one past the limit to know whether there is more.
    if (window.endingBefore) {
      // The entries just newer than the cursor, nearest first.
      for (let index = Math.max(low, this.indexOf(window.endingBefore) + 1); found.length <= limit && index < high; index++) {
        if (keep(this.entries[index])) found.push(this.entries[index]);
      }
      // Backwards pages still read newest first, as Stripe's do.
      return { data: found.slice(0, limit).reverse(), hasMore: found.length > limit };
    }
    let index = window.startingAfter ? Math.min(high, this.indexOf(window.startingAfter)) - 1 : high - 1;
    for (; found.length <= limit && index >= low; index--) {
      if (keep(this.entries[index])) found.push(this.entries[index]);
    }
    return { data: found.slice(0, limit), hasMore: found.length > limit };
  }

  /** Where an entry sits, or would sit. */
  private indexOf(entry: T): number {
    return firstIndex(this.entries, (other) => this.compare(other, entry) >= 0);
  }
}
