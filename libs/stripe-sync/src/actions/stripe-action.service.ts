import { Logger } from '@nestjs/common';
import type { FindOptionsWhere, Repository } from 'typeorm';
import type { MirrorEntity } from '../persistence/mirror-entity.interface.js';
import type { MirrorRecord, MirrorTables, MirrorWriter } from '../persistence/mirror.writer.js';
import { describeError, isResourceMissing } from '../stripe/stripe-errors.js';
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
}

export interface StripePage<T> {
  data: T[];
  has_more: boolean;
}

/** Counts the Stripe requests one operation makes. */
export class RequestTally {
  count = 0;
}

/** What `syncFromEvent` did: wrote the event's object, kept newer data, or wrote a fresh copy from Stripe. */
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
  protected abstract readonly tables: MirrorTables<TEntity>;

  protected constructor(
    protected readonly repository: Repository<TEntity>,
    protected readonly writer: MirrorWriter,
    private readonly concurrency: number,
  ) {}

  /** One page (100 objects, newest first) of every object in the account, whatever its status. */
  protected abstract listPage(startingAfter: string | undefined): Promise<StripePage<TStripeObject>>;

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
      await this.writer.write(this.tables, [await this.toRecord(object, new RequestTally())], eventTime);
      return 'applied';
    }
    const requestedAt = new Date();
    const tally = new RequestTally();
    const fresh = await this.retrieve(object.id);
    // Retrieved after the event arrived, so newer than it, whatever the clocks say.
    const observedAt = new Date(Math.max(requestedAt.getTime(), stored!.getTime()));
    await this.writer.write(this.tables, [await this.toRecord(fresh, tally)], observedAt);
    return 'refetched';
  }

  get isSyncAllRunning(): boolean {
    return this.runningSyncAll !== null;
  }

  /**
   * Pages through every object and upserts each page in one transaction. Only when every page was written are
   * rows Stripe no longer returned soft-deleted; a failed run soft-deletes nothing.
   */
  syncAll(): Promise<SyncAllSummary> {
    if (this.runningSyncAll) return Promise.reject(new SyncAlreadyRunningError(this.objectName));
    this.runningSyncAll = this.runSyncAll().finally(() => {
      this.runningSyncAll = null;
    });
    return this.runningSyncAll;
  }

  /** Retrieves each id; ids Stripe no longer has are soft-deleted; one id's failure does not stop the others. */
  async syncByIds(ids: string[]): Promise<SyncByIdsResult> {
    const unique = [...new Set(ids)];
    const observedAt = new Date();
    const tally = new RequestTally();
    const outcomes = await mapWithConcurrency(unique, this.concurrency, (id) =>
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

  private async runSyncAll(): Promise<SyncAllSummary> {
    const startedAt = new Date();
    const tally = new RequestTally();
    const totals = { seen: 0, inserted: 0, updated: 0, restored: 0 };
    let next: Promise<FetchedPage<TEntity>> | null = this.fetchPage(undefined, tally);
    try {
      while (next) {
        const page: FetchedPage<TEntity> = await next;
        // Fetch the next page while this one is written.
        next = page.nextCursor ? this.fetchPage(page.nextCursor, tally) : null;
        const counts = await this.writer.write(this.tables, page.records, page.requestedAt);
        totals.seen += page.records.length;
        totals.inserted += counts.inserted;
        totals.updated += counts.updated;
        totals.restored += counts.restored;
      }
    } catch (error) {
      next?.catch(() => undefined);
      this.logger.error(`Full sync of ${this.objectName}s failed after ${totals.seen} objects; nothing was soft-deleted: ${describeError(error)}`);
      throw error;
    }
    const softDeleted = await this.writer.sweep(this.tables, startedAt, new Date());
    const finishedAt = new Date();
    return {
      object: this.objectName,
      ...totals,
      softDeleted,
      requests: tally.count,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
    };
  }

  private async fetchPage(startingAfter: string | undefined, tally: RequestTally): Promise<FetchedPage<TEntity>> {
    const requestedAt = new Date();
    tally.count++;
    const page = await this.listPage(startingAfter);
    const records = await mapWithConcurrency(page.data, this.concurrency, (object) => this.toRecord(object, tally));
    const last = page.data.at(-1);
    return { records, requestedAt, nextCursor: page.has_more && last ? last.id : undefined };
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

interface FetchedPage<TEntity extends MirrorEntity> {
  records: MirrorRecord<TEntity>[];
  /** When the page was asked for: its data is at least that recent. */
  requestedAt: Date;
  nextCursor: string | undefined;
}

async function settle<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}
