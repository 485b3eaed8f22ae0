import { Logger } from '@nestjs/common';
import type { FindOptionsWhere, Repository } from 'typeorm';
import type { MirrorEntity } from '../persistence/mirror-entity.interface.js';
import type { MirrorRecord, MirrorTables, MirrorWriter } from '../persistence/mirror.writer.js';
import type { RunState, SyncRunStore } from '../persistence/sync-run.store.js';
import { LeaseLostError, type SyncLease, type SyncLeases } from '../persistence/sync-leases.js';
import type { StripeSyncRun } from '../persistence/stripe-sync-run.entity.js';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { Backfill, type BackfillSource, type FetchedPage, type PageRequest } from './stripe-backfill.js';
import { describeError, isResourceMissing } from '../stripe/stripe-errors.js';
import type { StripePage } from '../stripe/stripe-reader.js';
import { KeyedMutex, mapWithConcurrency } from './concurrency.js';
import { InvalidStripeObjectError, MirrorObjectNotFoundError, SyncAlreadyRunningError } from './stripe-action.errors.js';
import type {
  MirrorListQuery,
  MirrorPage,
  SyncAllSummary,
  SyncBatchResult,
  SyncByIdsResult,
} from './stripe-action.interfaces.js';

export interface StripeObject {
  id: string;
  object: string;
  created: number;
}

export interface StartedSyncAll {
  runId: string;
  done: Promise<SyncAllSummary>;
}

/** Counts the Stripe requests one operation makes. */
export class RequestTally {
  count = 0;
}

/** What `syncFromEvent` did: wrote the event's object, kept newer data (`stale`), or wrote a fresh copy from Stripe. */
export type EventApplication = 'applied' | 'stale' | 'refetched';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * All the logic that keeps a mirror of one kind of Stripe object: a concrete action only says how to reach
 * its objects in Stripe and how to map one to rows (port of django-stripe's `StripeSyncActionMixin`).
 */
export abstract class StripeActionService<TEntity extends MirrorEntity & { created: Date }, TStripeObject extends StripeObject> {
  protected readonly logger = new Logger(this.constructor.name);
  private runningSyncAll: Promise<SyncAllSummary> | null = null;
  /** Events about one object are applied one at a time, so "is the stored row newer?" stays true until the write. */
  private readonly eventLocks = new KeyedMutex();

  /** Stripe's name of the object, such as `subscription`. */
  abstract readonly objectName: string;
  /** The event types whose `data.object` is this kind of object and updates the mirror. */
  abstract readonly eventTypes: readonly string[];
  abstract readonly tables: MirrorTables<TEntity>;

  protected constructor(
    protected readonly repository: Repository<TEntity>,
    protected readonly writer: MirrorWriter,
    private readonly runs: SyncRunStore,
    private readonly leases: SyncLeases,
    private readonly options: Pick<ResolvedStripeSyncOptions, 'concurrency' | 'parallelism'>,
  ) {}

  /** One page (100 objects, newest first) of the objects created in a range, whatever their status. */
  protected abstract listPage(request: PageRequest): Promise<StripePage<TStripeObject>>;

  protected abstract retrieve(id: string): Promise<TStripeObject>;

  /** Names what makes `data` unusable as this kind of object, or answers null. */
  protected abstract invalidField(data: Record<string, unknown>): string | null;

  /**
   * Maps one object to its rows. With a `tally`, children Stripe embeds only in part are fetched (and counted);
   * without one no request is made and a partial child list is written as partial.
   */
  protected abstract toRecord(object: TStripeObject, tally: RequestTally | null): Promise<MirrorRecord<TEntity>>;

  /** Upserts one Stripe object and its children, as data true now; returns the mirrored row. */
  async sync(object: TStripeObject): Promise<TEntity> {
    this.assertObject(object, 'object');
    const observedAt = new Date();
    await this.writer.write(this.tables, [await this.toRecord(object, new RequestTally())], observedAt);
    return this.findOne(object.id);
  }

  /**
   * Applies the object an event carried, unless the mirror holds newer data. Events have one-second
   * timestamps: when the stored row is from the same second, which is newer cannot be told, so the object is
   * retrieved from Stripe instead.
   */
  syncFromEvent(object: TStripeObject, eventCreated: number): Promise<EventApplication> {
    this.assertObject(object, 'event.data.object');
    return this.eventLocks.run(object.id, () => this.applyEventObject(object, eventCreated));
  }

  private async applyEventObject(object: TStripeObject, eventCreated: number): Promise<EventApplication> {
    // The change happened within the event's second: its data is at least that recent.
    const eventTime = new Date(eventCreated * 1000 + 999);
    const stored = await this.writer.observedAt(this.tables, object.id);
    const storedSecond = stored && Math.floor(stored.getTime() / 1000);
    if (storedSecond !== undefined && storedSecond > eventCreated) return 'stale';
    if (storedSecond !== eventCreated) {
      const written = await this.writer.writeOne(this.tables, await this.toRecord(object, new RequestTally()), eventTime);
      return written ? 'applied' : 'stale';
    }
    const requestedAt = new Date();
    const tally = new RequestTally();
    const fresh = await this.retrieve(object.id);
    // Retrieved after the event arrived, so newer than it, whatever the clocks say.
    const observedAt = new Date(Math.max(requestedAt.getTime(), stored!.getTime()));
    const written = await this.writer.writeOne(this.tables, await this.toRecord(fresh, tally), observedAt);
    return written ? 'refetched' : 'stale';
  }

  /**
   * Pages through every object and upserts each page in one transaction. Only when every page was written are
   * rows Stripe no longer returned soft-deleted; a failed run soft-deletes nothing, and the next call resumes it.
   */
  async syncAll(): Promise<SyncAllSummary> {
    return (await this.startSyncAll()).done;
  }

  /**
   * Starts (or resumes) a full sync; answers its run id at once, and `done` when it ends. One runs at a time
   * across every instance sharing the database: the others get `SyncAlreadyRunningError` with its run id.
   */
  startSyncAll(): Promise<StartedSyncAll> {
    if (this.runningSyncAll) return Promise.reject(new SyncAlreadyRunningError(this.objectName));
    const opened = (async () => {
      const lease = await this.leases.acquire(`sync-all:${this.objectName}`);
      if (!lease) throw new SyncAlreadyRunningError(this.objectName, (await this.runs.running(this.objectName))?.id);
      try {
        return { lease, state: await this.openRun() };
      } catch (error) {
        await lease.release();
        throw error;
      }
    })();
    const done = opened.then(({ lease, state }) => this.completeRun(state, lease).finally(() => lease.release()));
    this.runningSyncAll = done.finally(() => {
      this.runningSyncAll = null;
    });
    this.runningSyncAll.catch(() => undefined);
    return opened.then(({ state }) => ({ runId: state.run.id, done }));
  }

  /** Retrieves each id; ids Stripe no longer has are soft-deleted; one id's failure does not stop the others. */
  async syncByIds(ids: string[]): Promise<SyncByIdsResult> {
    const unique = [...new Set(ids)];
    const observedAt = new Date();
    const tally = new RequestTally();
    const outcomes = await mapWithConcurrency(unique, this.options.concurrency, (id) =>
      settle(async () => {
        tally.count++;
        return this.toRecord(await this.retrieve(id), tally);
      }),
    );
    const result: SyncByIdsResult = { synced: [], missing: [], failed: [] };
    const records: MirrorRecord<TEntity>[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) {
        records.push(outcome.value);
        result.synced.push(unique[i]);
      } else if (isResourceMissing(outcome.error)) {
        result.missing.push(unique[i]);
      } else {
        result.failed.push({ id: unique[i], error: describeError(outcome.error) });
      }
    });
    await this.writer.write(this.tables, records, observedAt);
    for (const id of result.missing) await this.writer.softDelete(this.tables, id, new Date());
    return result;
  }

  /** Upserts objects given as data, without calling Stripe: all of them or, on any error, none. */
  async syncBatch(batch: TStripeObject[]): Promise<SyncBatchResult> {
    batch.forEach((object, i) => this.assertObject(object, `batch[${i}]`));
    const observedAt = new Date();
    const records = await Promise.all(batch.map((object) => this.toRecord(object, null)));
    await this.writer.write(this.tables, records, observedAt);
    return { synced: [...new Set(records.map((record) => record.row.id))] };
  }

  /** Marks the row (and its children) deleted; a second call keeps the first time. */
  async softDelete(id: string): Promise<TEntity> {
    if (!(await this.writer.softDelete(this.tables, id, new Date()))) {
      throw new MirrorObjectNotFoundError(this.objectName, id);
    }
    return this.findOne(id);
  }

  /** The mirrored row, soft-deleted or not. */
  async findOne(id: string): Promise<TEntity> {
    const row = await this.repository.findOneBy({ id } as FindOptionsWhere<TEntity>);
    if (!row) throw new MirrorObjectNotFoundError(this.objectName, id);
    return row;
  }

  /** Mirrored rows matching `filters` (equality on properties), newest first, with a cursor like Stripe's. */
  async list(filters: Partial<Record<keyof TEntity & string, unknown>>, query: MirrorListQuery): Promise<MirrorPage<TEntity>> {
    const qb = this.repository.createQueryBuilder('mirror');
    for (const [property, value] of Object.entries(filters)) {
      if (value !== undefined) qb.andWhere(`mirror.${property} = :${property}`, { [property]: value });
    }
    if (!query.includeDeleted) qb.andWhere('mirror.deletedAt IS NULL');
    if (query.startingAfter !== undefined) {
      const cursor = await this.repository.findOneBy({ id: query.startingAfter } as FindOptionsWhere<TEntity>);
      if (!cursor) throw new InvalidStripeObjectError('startingAfter', `names no ${this.objectName} in the mirror`);
      qb.andWhere('(mirror.created < :created OR (mirror.created = :created AND mirror.id < :cursorId))', {
        created: cursor.created,
        cursorId: cursor.id,
      });
    }
    const rows = await qb
      .orderBy('mirror.created', 'DESC')
      .addOrderBy('mirror.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    return { data: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  private async openRun(): Promise<RunState> {
    const unfinished = await this.runs.unfinished(this.objectName);
    if (!unfinished) return this.runs.start(this.objectName);
    this.logger.log(`Resuming the unfinished full sync ${unfinished.run.id} of ${this.objectName}s`);
    unfinished.run.status = 'running';
    unfinished.run.error = null;
    await this.runs.save(unfinished.run);
    return unfinished;
  }

  private async completeRun(state: RunState, lease: SyncLease): Promise<SyncAllSummary> {
    const { run } = state;
    const tally = new RequestTally();
    tally.count = run.requests;
    const source: BackfillSource<TEntity> = {
      objectName: this.objectName,
      tables: this.tables,
      fetchPage: (request, pageTally) => this.fetchPage(request, pageTally),
    };
    try {
      await new Backfill(source, this.writer, this.runs, state, tally, this.options.parallelism, lease, this.logger).execute();
      run.softDeleted = await this.writer.sweep(this.tables, run.startedAt, new Date(), (manager) => lease.check(manager, { extend: true }));
    } catch (error) {
      await this.recordFailure(run, error);
      throw error;
    }
    run.status = 'completed';
    run.finishedAt = new Date();
    await this.runs.save(run);
    return {
      runId: run.id,
      object: this.objectName,
      seen: run.seen,
      inserted: run.inserted,
      updated: run.updated,
      softDeleted: run.softDeleted,
      restored: run.restored,
      requests: run.requests,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt.toISOString(),
      durationMs: run.finishedAt.getTime() - run.startedAt.getTime(),
    };
  }

  /** Marks the run failed, unless another instance took it over: the run row is then its to write. */
  private async recordFailure(run: StripeSyncRun, error: unknown): Promise<void> {
    const takenOver = error instanceof LeaseLostError && error.holder !== null;
    this.logger.error(`Full sync ${run.id} of ${this.objectName}s stopped after ${run.seen} objects; nothing was soft-deleted: ${describeError(error)}`);
    if (takenOver) return;
    run.status = 'failed';
    run.error = describeError(error);
    await this.runs.save(run).catch(() => undefined);
  }

  private async fetchPage(request: PageRequest, tally: RequestTally): Promise<FetchedPage<TEntity>> {
    const requestedAt = new Date();
    tally.count++;
    const page = await this.listPage(request);
    const records = await mapWithConcurrency(page.data, this.options.concurrency, (object) => this.toRecord(object, tally));
    return { records, created: page.data.map((object) => object.created), requestedAt, hasMore: page.has_more };
  }

  private assertObject(data: unknown, field: string): asserts data is TStripeObject {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new InvalidStripeObjectError(field, `must be a Stripe ${this.objectName} object`);
    }
    const fields = data as Record<string, unknown>;
    if (typeof fields.id !== 'string' || fields.id === '') throw new InvalidStripeObjectError(`${field}.id`, 'must be a string');
    if (fields.object !== this.objectName) {
      throw new InvalidStripeObjectError(`${field}.object`, `must be "${this.objectName}"`);
    }
    const invalid = this.invalidField(fields);
    if (invalid) throw new InvalidStripeObjectError(`${field}.${invalid}`, 'is missing or has the wrong type');
  }
}

async function settle<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}
