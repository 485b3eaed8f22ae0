import type { Logger } from '@nestjs/common';
import type { MirrorEntity } from '../persistence/mirror-entity.interface.js';
import type { MirrorRecord, MirrorTables, MirrorWriter } from '../persistence/mirror.writer.js';
import type { SyncLease } from '../persistence/sync-leases.js';
import type { StripeSyncSlice } from '../persistence/stripe-sync-run.entity.js';
import { addUpSlices, type RunState, type SyncRunStore } from '../persistence/sync-run.store.js';
import type { PageBudget } from '../stripe/stripe-page-budget.js';
import type { RequestTally } from './stripe-action.service.js';

/** One list request: a page of a `created` range, newest first, after a cursor. */
export interface PageRequest {
  startingAfter?: string;
  createdGte: number;
  createdLt: number | null;
}

/** A listed page: what says where the slice goes on is there at once, its records once its children are listed. */
export interface FetchedPage<TEntity extends MirrorEntity> {
  /** Id and `created` of each listed object, in list order. */
  ids: string[];
  created: number[];
  /** When the page was asked for: its data is at least that recent. */
  requestedAt: Date;
  hasMore: boolean;
  /**
   * The page's records, with the requests it made: the list's, and those of children lists Stripe embedded only in
   * part (made after it, at once).
   */
  complete: Promise<{ records: MirrorRecord<TEntity>[]; requests: number }>;
}

/** What the backfill needs: a type's tables, the account it runs for, and a way to fetch one page with its children. */
export interface BackfillSource<TEntity extends MirrorEntity> {
  readonly objectName: string;
  readonly tables: MirrorTables<TEntity>;
  /** The `account_id` of the rows written (null: the platform's own objects, without Connect). */
  readonly account: string | null;
  /** The `account_id` values the sweep after a completed run covers. */
  readonly sweeps: (string | null)[];
  /** The connected account the run is for (its runs and leases are its own); null for the platform. */
  readonly runAccount: string | null;
  fetchPage(request: PageRequest, tally: RequestTally): Promise<FetchedPage<TEntity>>;
}

const PROGRESS_INTERVAL_MS = 10_000;
/** Fewest objects each part of a split slice should seem to hold: a page or two. */
const MIN_OBJECTS_PER_PART = 150;
/** When most of the budget is idle (the end of a run), requests cost no time: smaller slices end sooner. */
const MIN_OBJECTS_PER_PART_WHEN_IDLE = 75;
/** A slice is split only if it has at least this share of what the slice with the most left has. */
const LONGEST_FIRST = 0.5;
/** Most ranges the first range of a run gives away after one page. */
const MAX_SPLITS_OF_OPEN_RANGE = 8;
/**
 * No Stripe object was created before 2010. A run's first range still starts at 0, so that nothing is left out,
 * but is split as if it started here: its middle would otherwise fall decades before any data.
 */
const FIRST_STRIPE_OBJECTS = Date.UTC(2010, 0, 1) / 1000;

function lowerEnd(slice: StripeSyncSlice): number {
  return Math.max(slice.createdGte, Math.min(FIRST_STRIPE_OBJECTS, slice.cursorCreated ?? FIRST_STRIPE_OBJECTS));
}

/** A fetched page, with its place in the page budget. */
interface HeldPage<TEntity extends MirrorEntity> {
  page: FetchedPage<TEntity>;
  release: () => void;
}
const TOTALS_INTERVAL_MS = 1_000;

/**
 * Pages a run's slices at once, each page waiting for a place in the page budget. Each page is written with its
 * slice's cursor in one transaction, so a run that stops can be resumed from its slices, and only while the run's
 * lease is held: an instance that lost it stops at once. While the budget has room, a slice being paged is split
 * in two after each page: the older half becomes a slice of its own, paged at the same time. The run's totals are
 * saved apart from the pages, every second and at the end.
 */
export class Backfill<TEntity extends MirrorEntity> {
  private readonly slices: StripeSyncSlice[];
  private readonly draining = new Set<Promise<void>>();
  private failure: unknown;
  private readonly startedAt = Date.now();
  private readonly seenAtStart: number;
  private savingTotals: Promise<void> | null = null;

  constructor(
    private readonly source: BackfillSource<TEntity>,
    private readonly writer: MirrorWriter,
    private readonly store: SyncRunStore,
    private readonly state: RunState,
    private readonly tally: RequestTally,
    private readonly budget: PageBudget,
    private readonly lease: SyncLease,
    private readonly logger: Logger,
  ) {
    this.slices = [...state.slices];
    this.seenAtStart = state.run.seen;
  }

  async execute(): Promise<void> {
    const progress = setInterval(() => this.logProgress(), PROGRESS_INTERVAL_MS);
    const totals = setInterval(() => this.saveTotals(), TOTALS_INTERVAL_MS);
    const untrack = this.budget.track(() => Math.max(0, ...this.unfinished().map((slice) => this.leftIn(slice))));
    try {
      for (const slice of this.unfinished()) this.begin(slice);
      while (this.draining.size > 0) await Promise.all(this.draining);
    } finally {
      clearInterval(progress);
      clearInterval(totals);
      untrack();
      await this.savingTotals;
      // The caller saves the run with its outcome.
      this.addUpTotals();
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private begin(slice: StripeSyncSlice): void {
    const draining: Promise<void> = this.drain(slice)
      .catch((error: unknown) => void (this.failure ??= error))
      .finally(() => this.draining.delete(draining));
    this.draining.add(draining);
  }

  /** Pages through one slice: asks for the next page once a page's list has answered, while its children are listed and it is written. */
  private async drain(slice: StripeSyncSlice): Promise<void> {
    let next: Promise<HeldPage<TEntity>> | null = this.fetch(slice);
    try {
      while (next && this.failure === undefined) {
        const { page, release }: HeldPage<TEntity> = await next;
        next = null;
        try {
          if (this.lease.lost) throw this.lease.lost;
          // A page of a slice resumed after a split may reach below its range: that part belongs to another slice.
          const kept = page.created.filter((created) => created >= slice.createdGte).length;
          const last = kept - 1;
          slice.done = !page.hasMore || kept < page.ids.length || kept === 0;
          if (kept > 0) {
            slice.cursor = page.ids[last];
            slice.cursorCreated = page.created[last];
            slice.objects += kept;
          }
          // Split before asking for the next page, so that no page reaches into the part given away.
          const splits = slice.done ? [] : this.split(slice);
          next = slice.done ? null : this.fetch(slice);
          // Awaited once this page is written; a failure before that (a run stopping) is not an unhandled one.
          next?.catch(() => undefined);
          const { records, requests } = await page.complete;
          const arrivedAt = performance.now();
          await this.writePage(records.slice(0, kept), page.requestedAt, slice, splits);
          this.budget.observePage(requests, performance.now() - arrivedAt);
          for (const split of splits) {
            this.slices.push(split);
            this.begin(split);
          }
        } finally {
          release();
        }
      }
    } finally {
      // A page fetched for a run that stopped is dropped, and its place given back; the run ends once its requests have.
      await next?.then(
        ({ release }) => release(),
        () => undefined,
      );
    }
  }

  /** The slice's next page, fetched once the budget has room; its place is held until the page is written. */
  private async fetch(slice: StripeSyncSlice): Promise<HeldPage<TEntity>> {
    const release = await this.budget.take();
    // A run that stopped while this page waited for room asks Stripe for nothing more.
    if (this.failure !== undefined || this.lease.lost) {
      release();
      throw this.failure ?? this.lease.lost;
    }
    try {
      const request = { startingAfter: slice.cursor ?? undefined, createdGte: slice.createdGte, createdLt: slice.createdLt };
      return { page: await this.source.fetchPage(request, this.tally), release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Gives older parts of what is left of `slice` to slices of their own while the budget has room for their pages
   * too (besides the slice's own next page) and the slice's density so far says each part holds a page or two
   * (each slice ends with a page less than full).
   */
  private split(slice: StripeSyncSlice): StripeSyncSlice[] {
    const room = this.budget.free - 1;
    if (room < 1) return [];
    const left = this.leftIn(slice);
    // Every slice ends with a page less than full: room goes to the slices with the most left, of every type and
    // account, which would otherwise end last, rather than to whichever page came first (smaller parts, more
    // slices, more requests).
    if (left < LONGEST_FIRST * this.budget.largestSliceLeft) return [];
    const perPart = room > this.budget.size / 2 ? MIN_OBJECTS_PER_PART_WHEN_IDLE : MIN_OBJECTS_PER_PART;
    const parts = Math.min(room + 1, Math.floor(left / perPart));
    if (parts < 2) return [];
    return slice.createdGte === 0 ? this.splitOpenRange(slice, room) : this.divide(slice, parts);
  }

  /**
   * Cuts what is left of `slice` into `parts` ranges of equal length: the slice keeps the newest, and gives the
   * others away. Every part fills pages at once, rather than after the halves of halves have shown their data.
   */
  private divide(slice: StripeSyncSlice, parts: number): StripeSyncSlice[] {
    const newest = slice.cursorCreated!;
    const length = (newest - lowerEnd(slice)) / parts;
    const boundaries: number[] = [];
    for (let i = 1; i < parts; i++) {
      const boundary = Math.floor(newest - length * i);
      if (boundary <= slice.createdGte) break;
      if (boundary < (boundaries.at(-1) ?? Infinity)) boundaries.push(boundary);
    }
    return this.giveAway(slice, boundaries);
  }

  /**
   * The range a run starts with reaches back to 1970, where its middle holds no data. It keeps twice what it has
   * listed so far, and gives away ranges that double backwards from there (each with more data than the one
   * before, at the density so far), and all that is older to one more slice, which splits the same way once its
   * first page shows where its data is.
   */
  private splitOpenRange(slice: StripeSyncSlice, room: number): StripeSyncSlice[] {
    const listed = Math.max(1, (slice.createdLt ?? Date.now() / 1000) - slice.cursorCreated!);
    const boundaries: number[] = [];
    for (let i = 1; boundaries.length < Math.min(room, MAX_SPLITS_OF_OPEN_RANGE); i++) {
      const boundary = Math.floor(slice.cursorCreated! - listed * 2 ** i);
      if (boundary <= FIRST_STRIPE_OBJECTS) break;
      boundaries.push(boundary);
    }
    return boundaries.length === 0 ? this.divide(slice, 2) : this.giveAway(slice, boundaries);
  }

  /** Gives the ranges below each of `boundaries` (newest first) to slices of their own; the slice keeps what is above. */
  private giveAway(slice: StripeSyncSlice, boundaries: number[]): StripeSyncSlice[] {
    if (boundaries.length === 0) return [];
    const splits = boundaries.map((upper, i) => this.store.newSlice(slice.runId, boundaries[i + 1] ?? slice.createdGte, upper));
    slice.createdGte = boundaries[0];
    return splits;
  }

  /** Writes a page with the slices it moved: its own, and the parts split off it. */
  private async writePage(records: MirrorRecord<TEntity>[], observedAt: Date, slice: StripeSyncSlice, splits: StripeSyncSlice[]) {
    await this.budget.write(() =>
      this.writer.write(this.source.tables, records, observedAt, {
        account: this.source.account,
        alsoInTransaction: async (manager, counts) => {
          await this.lease.check(manager);
          slice.inserted += counts.inserted;
          slice.updated += counts.updated;
          slice.restored += counts.restored;
          await this.store.saveSlices(manager, [slice, ...splits]);
        },
      }),
    );
  }

  /** Saves the run's totals unless a save is still under way. */
  private saveTotals(): void {
    if (this.savingTotals) return;
    this.addUpTotals();
    // Through the writer's transactions, which SQLite runs one at a time.
    this.savingTotals = this.writer
      .transaction(async (manager) => {
        await this.lease.check(manager);
        await this.store.saveTotals(manager, this.state.run);
      })
      // A database that fails here fails the page writes too; the totals are saved with the run when it ends.
      .catch(() => undefined)
      .finally(() => (this.savingTotals = null));
  }

  private addUpTotals(): void {
    addUpSlices(this.state.run, this.slices);
    this.state.run.requests = this.tally.count;
  }

  private logProgress(): void {
    const { run } = this.state;
    this.addUpTotals();
    const seconds = (Date.now() - this.startedAt) / 1000;
    const perSecond = (run.seen - this.seenAtStart) / seconds;
    const left = this.remainingEstimate();
    this.logger.log(
      `Full sync of ${this.source.objectName}s: ${run.seen} objects (${Math.round(perSecond)}/s), ` +
        `${this.tally.count} requests, ${this.draining.size} slices in progress` +
        (perSecond > 0 && left !== undefined ? `, about ${Math.round(left / perSecond)} s left` : ''),
    );
  }

  /**
   * Objects left, from each unfinished slice's density so far; unknown while the range reaching back to 1970 is
   * being paged, as where the oldest data starts is (splitting treats it as reaching back to 2010).
   */
  private remainingEstimate(): number | undefined {
    const unfinished = this.unfinished();
    if (unfinished.some((slice) => slice.createdGte === 0)) return undefined;
    return unfinished.reduce((sum, slice) => sum + this.leftIn(slice), 0);
  }

  private unfinished(): StripeSyncSlice[] {
    return this.slices.filter((slice) => !slice.done);
  }

  /** Objects left in the slice, from its density so far (0 before its first page). */
  private leftIn(slice: StripeSyncSlice): number {
    if (slice.cursorCreated === null || slice.objects === 0) return 0;
    const covered = Math.max(1, (slice.createdLt ?? Date.now() / 1000) - slice.cursorCreated);
    return (slice.objects / covered) * (slice.cursorCreated - lowerEnd(slice));
  }
}
