import type { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import pLimit from 'p-limit';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import type { MirroredChildDefinition, MirroredObjectDefinition } from '../objects/mirrored-object.js';
import type { MirrorEntity } from '../persistence/mirror-entity.interface.js';
import type { ChildRows, MirrorRecord, MirrorTables, MirrorWriter } from '../persistence/mirror.writer.js';
import { describeError, isResourceMissing } from '../stripe/stripe-errors.js';
import type { StripePage, StripeReader } from '../stripe/stripe-reader.js';
import type { AccountScope, StripeAccounts } from '../stripe/stripe-accounts.js';
import { KeyedMutex } from './concurrency.js';
import type { FullSyncService } from './full-sync.service.js';
import { InvalidStripeObjectError, MirrorObjectNotFoundError } from './stripe-action.errors.js';
import { StripeFields } from '../objects/stripe-fields.js';
import { describeIdPrefixes, stripeIdPattern } from '../http/stripe-id.pipe.js';
import type {
  MirrorListQuery,
  MirrorPage,
  StartedSyncAll,
  SyncAllSummary,
  SyncBatchResult,
  SyncByIdsResult,
} from './stripe-action.interfaces.js';
import type { BackfillSource, FetchedPage, PageRequest } from './stripe-backfill.js';

/** What every Stripe object has; top-level ones also have `created`. */
export interface StripeObject {
  id: string;
  object: string;
}

/** Counts the Stripe requests one operation makes. */
export class RequestTally {
  count = 0;
}

/**
 * What `syncFromEvent` did: wrote the event's object (`applied`), kept newer data (`stale`), wrote a fresh copy
 * from Stripe (`refetched`), or soft-deleted the row (`deleted`).
 */
export type EventApplication = 'applied' | 'stale' | 'refetched' | 'deleted';

/** What every action is built with: the module's shared services. */
export interface ActionContext {
  dataSource: DataSource;
  writer: MirrorWriter;
  reader: StripeReader;
  accounts: StripeAccounts;
  fullSync: FullSyncService;
  options: Pick<ResolvedStripeSyncOptions, 'concurrency'>;
}

/** The connected account an operation is for (`account: 'acct_…'`); without one, the platform's own objects. */
export interface ForAccount {
  account?: string | null;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

const PAGE_SIZE = 100;
const ANY_ID = /^[A-Za-z0-9_.:-]+$/;

/**
 * All the logic that keeps a mirror of one kind of Stripe object, driven by its declaration (a port of
 * django-stripe's `StripeSyncActionMixin`). Each type's injectable service is a subclass, often empty.
 */
export class StripeActionService<TEntity extends MirrorEntity & { created: Date }, TObject extends StripeObject> {
  readonly tables: MirrorTables<TEntity>;
  protected readonly repository: Repository<TEntity>;
  protected readonly writer: MirrorWriter;
  protected readonly stripe: StripeReader;
  private readonly accounts: StripeAccounts;
  private readonly fullSync: FullSyncService;
  private readonly concurrency: number;
  /** Events about one object are applied one at a time, so "is the stored row newer?" stays true until the write. */
  private readonly eventLocks = new KeyedMutex();

  constructor(
    readonly definition: MirroredObjectDefinition<TEntity, TObject>,
    context: ActionContext,
  ) {
    this.repository = context.dataSource.getRepository(definition.entity);
    this.writer = context.writer;
    this.stripe = context.reader;
    this.accounts = context.accounts;
    this.fullSync = context.fullSync;
    this.concurrency = context.options.concurrency;
    this.tables = {
      objectName: definition.name,
      target: definition.entity,
      children: (definition.children ?? []).map((child) => ({ target: child.entity, parentProperty: child.parentProperty })),
    };
  }

  /** Stripe's name of the object, such as `subscription`. */
  get objectName(): string {
    return this.definition.name;
  }

  /** Upserts one Stripe object and its children, as data true now; returns the mirrored row. */
  async sync(object: TObject, { account }: ForAccount = {}): Promise<TEntity> {
    this.assertObject(object, 'object');
    const scope = await this.scope(account);
    const record = await this.toRecord(object, new RequestTally(), scope, true).catch((error: unknown) => {
      throw error instanceof InvalidStripeObjectError ? error.within('object') : error;
    });
    await this.writer.write(this.tables, [record], new Date(), { account: scope.column });
    return this.findOne(object.id);
  }

  /**
   * Applies the object an event carried, unless the mirror holds newer data. Events have one-second timestamps:
   * when the stored row is from the same second, which is newer cannot be told, so the object is retrieved from
   * Stripe instead. An event of a `deletedEventTypes` type soft-deletes the row.
   */
  syncFromEvent(object: TObject, eventCreated: number, eventType?: string, { account }: ForAccount = {}): Promise<EventApplication> {
    this.assertObject(object, 'event.data.object');
    const deleted = isDeletedStub(object) || (eventType !== undefined && (this.definition.deletedEventTypes ?? []).includes(eventType));
    return this.eventLocks.run(object.id, async () => this.applyEventObject(object, eventCreated, deleted, await this.scope(account)));
  }

  private async applyEventObject(object: TObject, eventCreated: number, deleted: boolean, scope: AccountScope): Promise<EventApplication> {
    // The change happened within the event's second: its data is at least that recent.
    const eventTime = new Date(eventCreated * 1000 + 999);
    const stored = await this.writer.observedAt(this.tables, object.id);
    const storedSecond = stored && Math.floor(stored.getTime() / 1000);
    if (storedSecond !== undefined && storedSecond > eventCreated) return 'stale';
    if (storedSecond !== eventCreated) return this.writeObserved(object, eventTime, deleted, 'applied', scope);
    const requestedAt = new Date();
    // Retrieved after the event arrived, so newer than it, whatever the clocks say.
    const observedAt = () => new Date(Math.max(requestedAt.getTime(), stored!.getTime()));
    let fresh: TObject;
    try {
      fresh = await this.retrieve(object.id, scope);
    } catch (error) {
      if (!isResourceMissing(error)) throw error;
      return this.writeObserved(object, observedAt(), true, 'refetched', scope);
    }
    return this.writeObserved(fresh, observedAt(), isDeletedStub(fresh), 'refetched', scope);
  }

  /** Writes (or soft-deletes) the object as observed at `observedAt`; `stale` when the stored row is newer. */
  private async writeObserved(
    object: TObject,
    observedAt: Date,
    deleted: boolean,
    written: EventApplication,
    scope: AccountScope,
  ): Promise<EventApplication> {
    if (deleted && !this.isMappable(object)) {
      const result = await this.writer.softDelete(this.tables, object.id, observedAt);
      return result === 'kept' ? 'stale' : 'deleted';
    }
    const record = { ...(await this.toRecord(object, new RequestTally(), scope)), deleted };
    if (!(await this.writer.writeOne(this.tables, record, observedAt, scope.column))) return 'stale';
    return deleted ? 'deleted' : written;
  }

  /**
   * Pages through every object and upserts each page in one transaction. Only when every page was written are
   * rows Stripe no longer returned soft-deleted; a failed run soft-deletes nothing, and the next call resumes it.
   */
  async syncAll(options: ForAccount = {}): Promise<SyncAllSummary> {
    return (await this.startSyncAll(options)).done;
  }

  /**
   * Starts (or resumes) a full sync; answers its run id at once, and `done` when it ends. One runs at a time
   * across every instance sharing the database: the others get `SyncAlreadyRunningError` with its run id.
   */
  async startSyncAll({ account }: ForAccount = {}): Promise<StartedSyncAll> {
    return this.fullSync.start(this.sourceFor(await this.scope(account)));
  }

  /** The scope of an operation: a type only the platform has is always read as the platform's. */
  private scope(account: string | null | undefined): Promise<AccountScope> {
    return this.accounts.scope(this.definition.platformOnly ? null : account);
  }

  /** What a full sync of this type for one account pages through. */
  sourceFor(scope: AccountScope): BackfillSource<TEntity> {
    return {
      objectName: this.objectName,
      tables: this.tables,
      account: scope.column,
      sweeps: scope.sweeps,
      runAccount: scope.header,
      fetchPage: (request, tally) => this.fetchPage(request, tally, scope),
    };
  }

  /** Retrieves each id; ids Stripe no longer has are soft-deleted; one id's failure does not stop the others. */
  async syncByIds(ids: string[], { account }: ForAccount = {}): Promise<SyncByIdsResult> {
    const unique = [...new Set(ids)];
    const observedAt = new Date();
    const tally = new RequestTally();
    const scope = await this.scope(account);
    const outcomes = await pLimit(this.concurrency).map(unique, (id) =>
      settle(async () => {
        tally.count++;
        const object = await this.retrieve(id, scope);
        return isDeletedStub(object) ? null : this.toRecord(object, tally, scope);
      }),
    );
    const result: SyncByIdsResult = { synced: [], missing: [], failed: [] };
    const records: MirrorRecord<TEntity>[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.ok && outcome.value) {
        records.push(outcome.value);
        result.synced.push(unique[i]);
      } else if (outcome.ok || isResourceMissing(outcome.error)) {
        result.missing.push(unique[i]);
      } else {
        result.failed.push({ id: unique[i], error: describeError(outcome.error) });
      }
    });
    await this.writer.write(this.tables, records, observedAt, { account: scope.column });
    for (const id of result.missing) await this.writer.softDelete(this.tables, id, observedAt);
    return result;
  }

  /** Upserts objects given as data, without calling Stripe: all of them or, on any error, none. */
  async syncBatch(batch: TObject[], { account }: ForAccount = {}): Promise<SyncBatchResult> {
    batch.forEach((object, i) => this.assertObject(object, `batch[${i}]`, this.definition.idPrefixes));
    const observedAt = new Date();
    const scope = await this.scope(account);
    const records = await Promise.all(
      batch.map((object, i) =>
        this.toRecord(object, null, scope, true).catch((error: unknown) => {
          throw error instanceof InvalidStripeObjectError ? error.within(`batch[${i}]`) : error;
        }),
      ),
    );
    await this.writer.write(this.tables, records, observedAt, { account: scope.column });
    return { synced: [...new Set(records.map((record) => record.row.id))] };
  }

  /** Marks the row (and its children) deleted; a second call keeps the first time. */
  async softDelete(id: string): Promise<TEntity> {
    if ((await this.writer.softDelete(this.tables, id, new Date())) === 'unknown') {
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

  /** The parent's current (not soft-deleted) children of one child list, oldest first. */
  findChildren(parentId: string, child: MirroredChildDefinition<any, any, any>): Promise<MirrorEntity[]> {
    const qb = this.repository.manager
      .createQueryBuilder<MirrorEntity>(child.entity, 'child')
      .where(`child.${child.parentProperty} = :parentId`, { parentId })
      .andWhere('child.deletedAt IS NULL');
    if (qb.expressionMap.mainAlias!.metadata.findColumnWithPropertyName('created')) qb.orderBy('child.created', 'ASC');
    return qb.addOrderBy('child.id', 'ASC').getMany();
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

  /**
   * One page of a full sync: 100 objects of a `created` range, newest first. Their ids are known once the list
   * answers, so the slice asks for its next page while this one's children are still being listed.
   */
  private async fetchPage(request: PageRequest, tally: RequestTally, scope: AccountScope): Promise<FetchedPage<TEntity>> {
    const requestedAt = new Date();
    tally.count++;
    const page = await this.listPage(request, scope);
    const childLists = new RequestTally();
    const complete = pLimit(this.concurrency)
      .map(page.data, (object) => this.toRecord(object, childLists, scope))
      .then((records) => ({ records, requests: 1 + childLists.count }))
      .finally(() => (tally.count += childLists.count));
    // A run that stops before it awaits the page drops it: its failure is then nobody's to report.
    complete.catch(() => undefined);
    return { ids: page.data.map((object) => object.id), created: page.data.map(createdOf), requestedAt, hasMore: page.has_more, complete };
  }

  protected listPage({ startingAfter, createdGte, createdLt }: PageRequest, scope: AccountScope): Promise<StripePage<TObject>> {
    const { path, params } = this.definition.list;
    return this.stripe.list(
      path,
      { ...params, limit: PAGE_SIZE, starting_after: startingAfter, created: { gte: createdGte, lt: createdLt ?? undefined } },
      scope.header,
    );
  }

  protected retrieve(id: string, scope: AccountScope): Promise<TObject> {
    const path = this.definition.retrievePath?.(id) ?? `${this.definition.list.path}/${encodeURIComponent(id)}`;
    return this.stripe.retrieve(path, scope.header);
  }

  /**
   * Maps one object to its rows. With a `tally`, child lists Stripe embeds only in part are listed in full (and
   * the requests counted); without one no request is made and a partial child list is written as partial.
   * `strict` for objects given as data, not sent by Stripe: their fields must also keep to the documented values.
   */
  protected async toRecord(
    object: TObject,
    tally: RequestTally | null,
    scope: AccountScope,
    strict = false,
  ): Promise<MirrorRecord<TEntity>> {
    const read = new StripeFields(object as unknown as Record<string, unknown>, strict);
    const children: ChildRows[] = [];
    for (const [i, child] of (this.definition.children ?? []).entries()) {
      const { entries: embedded, hasMore } = read.list(child.field);
      // Stripe embeds at most 10: the rest are listed only when it says there are more, from the start, since no
      // order of the two lists is documented.
      const entries = hasMore && tally ? read.entries(child.field, await this.listChildren(child, object.id, tally, scope)) : embedded;
      children.push({
        table: this.tables.children[i],
        rows: entries.map(({ entry, fields }) => child.toRow(entry, object, fields)),
        complete: !hasMore || tally !== null,
      });
    }
    const row = this.definition.toRow(
      object,
      read,
      children.map((set) => set.rows),
    );
    return { row, children };
  }

  private async listChildren(
    child: MirroredChildDefinition<any, any, any>,
    parentId: string,
    tally: RequestTally,
    scope: AccountScope,
  ): Promise<unknown[]> {
    const { path, params } = child.list(parentId);
    const entries: { id: string }[] = [];
    let startingAfter: string | undefined;
    do {
      tally.count++;
      const page = await this.stripe.list<{ id: string }>(
        path,
        { ...params, limit: PAGE_SIZE, starting_after: startingAfter },
        scope.header,
      );
      entries.push(...page.data);
      startingAfter = page.has_more ? page.data.at(-1)?.id : undefined;
    } while (startingAfter);
    return entries;
  }

  /** A deleted object as Stripe sends it may be a stub (`{ id, object, deleted }`) that maps to no row. */
  private isMappable(object: TObject): boolean {
    return typeof createdOf(object) === 'number';
  }

  /** Checks what every object must have; with `prefixes`, its id must have one of them, as the routes require. */
  private assertObject(data: unknown, field: string, prefixes?: readonly string[]): asserts data is TObject {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new InvalidStripeObjectError(field, `must be a Stripe ${this.objectName} object`);
    }
    const fields = data as Record<string, unknown>;
    if (fields.object !== this.objectName) {
      throw new InvalidStripeObjectError(`${field}.object`, `must be "${this.objectName}"`);
    }
    if (typeof fields.id !== 'string' || fields.id.length > 255 || !(prefixes ? stripeIdPattern(prefixes) : ANY_ID).test(fields.id)) {
      throw new InvalidStripeObjectError(
        `${field}.id`,
        `must be a Stripe ${this.objectName} id${prefixes ? ` (${describeIdPrefixes(prefixes)}…)` : ''} of at most 255 characters`,
      );
    }
    if (fields.deleted === true) return;
    const invalid = typeof fields.created === 'number' ? (this.definition.invalidField?.(fields) ?? null) : 'created';
    if (invalid) throw new InvalidStripeObjectError(`${field}.${invalid}`, 'is missing or has the wrong type');
  }
}

/** What Stripe answers for a deleted customer: `{ id, object, deleted: true }`. */
function isDeletedStub(object: StripeObject): boolean {
  return (object as { deleted?: unknown }).deleted === true;
}

function createdOf(object: StripeObject): number {
  return (object as { created?: number }).created as number;
}

async function settle<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}
