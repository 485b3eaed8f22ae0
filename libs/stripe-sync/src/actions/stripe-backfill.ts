import type { Logger } from '@nestjs/common';
import type { MirrorEntity } from '../persistence/mirror-entity.interface.js';
import type { MirrorRecord, MirrorTables, MirrorWriter } from '../persistence/mirror.writer.js';
import type { SyncLease } from '../persistence/sync-leases.js';
import type { StripeSyncSlice } from '../persistence/stripe-sync-run.entity.js';
import { addUpSlices, type RunState, type SyncRunStore } from '../persistence/sync-run.store.js';
import type { RequestTally } from './stripe-action.service.js';

/** One list request: a page of a `created` range, newest first, after a cursor. */
export interface PageRequest {
  startingAfter?: string;
  createdGte: number;
  createdLt: number | null;
}

export interface FetchedPage<TEntity extends MirrorEntity> {
  records: MirrorRecord<TEntity>[];
  /** `created` of each record, in list order. */
  created: number[];
  /** When the page was asked for: its data is at least that recent. */
  requestedAt: Date;
  hasMore: boolean;
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
const TOTALS_INTERVAL_MS = 1_000;

/**
 * Pages a run's slices in parallel, `parallelism` at a time. Each page is written with its slice's cursor in one
 * transaction, so a run that stops can be resumed from its slices, and only while the run's lease is held: an
 * instance that lost it stops at once. A slice still being paged is split in two
 * when a worker would otherwise idle: the older half becomes a slice of its own. The run's totals are saved
 * apart from the pages, every second and at the end.
 */
export class Backfill<TEntity extends MirrorEntity> {
  private readonly slices: StripeSyncSlice[];
  private readonly pending: StripeSyncSlice[];
  private active = 0;
  private waiters: (() => void)[] = [];
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
    private readonly parallelism: number,
    private readonly lease: SyncLease,
    private readonly logger: Logger,
  ) {
    this.slices = [...state.slices];
    this.pending = this.slices.filter((slice) => !slice.done);
    this.seenAtStart = state.run.seen;
  }

  async execute(): Promise<void> {
    const progress = setInterval(() => this.logProgress(), PROGRESS_INTERVAL_MS);
    const totals = setInterval(() => this.saveTotals(), TOTALS_INTERVAL_MS);
    try {
      await Promise.all(Array.from({ length: this.parallelism }, () => this.work()));
    } finally {
      clearInterval(progress);
      clearInterval(totals);
      await this.savingTotals;
      // The caller saves the run with its outcome.
      this.addUpTotals();
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private async work(): Promise<void> {
    while (this.failure === undefined) {
      const slice = this.pending.shift();
      if (!slice) {
        if (this.active === 0) return this.notify();
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      this.active++;
      try {
        await this.drain(slice);
      } catch (error) {
        this.failure ??= error;
      } finally {
        this.active--;
        this.notify();
      }
    }
  }

  /** Pages through one slice, fetching the next page while the previous one is written. */
  private async drain(slice: StripeSyncSlice): Promise<void> {
    let next: Promise<FetchedPage<TEntity>> | null = this.fetch(slice);
    try {
      while (next && this.failure === undefined) {
        const page: FetchedPage<TEntity> = await next;
        if (this.lease.lost) throw this.lease.lost;
        // A page of a slice resumed after a split may reach below its range: that part belongs to another slice.
        const kept = page.created.filter((created) => created >= slice.createdGte).length;
        const records = page.records.slice(0, kept);
        const last = kept - 1;
        slice.done = !page.hasMore || kept < page.records.length || kept === 0;
        if (kept > 0) {
          slice.cursor = records[last].row.id;
          slice.cursorCreated = page.created[last];
          slice.objects += kept;
        }
        // Split before asking for the next page, so that no page reaches into the part given away.
        const split = slice.done ? null : this.splitIfIdle(slice);
        next = slice.done ? null : this.fetch(slice);
        await this.writePage(records, page.requestedAt, slice, split);
        if (split) {
          this.slices.push(split);
          this.pending.push(split);
          this.notify();
        }
      }
    } finally {
      next?.catch(() => undefined);
    }
  }

  private fetch(slice: StripeSyncSlice): Promise<FetchedPage<TEntity>> {
    return this.source.fetchPage(
      { startingAfter: slice.cursor ?? undefined, createdGte: slice.createdGte, createdLt: slice.createdLt },
      this.tally,
    );
  }

  /** Gives the older half of what is left of `slice` to an idle worker, if one waits and the range can split. */
  private splitIfIdle(slice: StripeSyncSlice): StripeSyncSlice | null {
    if (this.pending.length > 0 || this.active >= this.parallelism || slice.cursorCreated === null) return null;
    const middle = Math.floor((slice.createdGte + slice.cursorCreated) / 2);
    if (middle <= slice.createdGte) return null;
    const older = this.store.newSlice(slice.runId, slice.createdGte, middle);
    slice.createdGte = middle;
    return older;
  }

  /** Writes a page with the slices it moved: its own, and the part split off it, if any. */
  private async writePage(records: MirrorRecord<TEntity>[], observedAt: Date, slice: StripeSyncSlice, split: StripeSyncSlice | null) {
    await this.writer.write(this.source.tables, records, observedAt, {
      account: this.source.account,
      alsoInTransaction: async (manager, counts) => {
        await this.lease.check(manager);
        slice.inserted += counts.inserted;
        slice.updated += counts.updated;
        slice.restored += counts.restored;
        await this.store.saveSlices(manager, split ? [slice, split] : [slice]);
      },
    });
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

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  private logProgress(): void {
    const { run } = this.state;
    this.addUpTotals();
    const seconds = (Date.now() - this.startedAt) / 1000;
    const perSecond = (run.seen - this.seenAtStart) / seconds;
    this.logger.log(
      `Full sync of ${this.source.objectName}s: ${run.seen} objects (${Math.round(perSecond)}/s), ` +
        `${this.tally.count} requests, ${this.pending.length + this.active} slices in progress` +
        (perSecond > 0 ? `, about ${Math.round(this.remainingEstimate() / perSecond)} s left` : ''),
    );
  }

  /** Objects left, from each unfinished slice's density so far. */
  private remainingEstimate(): number {
    return this.slices
      .filter((slice) => !slice.done && slice.cursorCreated !== null && slice.objects > 0)
      .reduce((sum, slice) => {
        const covered = Math.max(1, (slice.createdLt ?? Date.now() / 1000) - slice.cursorCreated!);
        return sum + (slice.objects / covered) * (slice.cursorCreated! - slice.createdGte);
      }, 0);
  }
}
