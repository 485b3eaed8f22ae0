import { isDeepStrictEqual } from 'node:util';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntityMetadata, EntityTarget, UpdateQueryBuilder } from 'typeorm';
import { StripeSyncTelemetry } from '../metrics/stripe-sync.telemetry.js';
import type { MirrorEntity, MirrorRow } from './mirror-entity.interface.js';
import { mirrorDialect, type MirrorDialect } from './mirror.dialect.js';

/** Children of a mirrored object that live in their own table (a subscription's items). */
export interface ChildTable {
  target: EntityTarget<MirrorEntity>;
  /** Property of the child that holds its parent's id. */
  parentProperty: string;
}

/** The tables one kind of Stripe object is mirrored into. */
export interface MirrorTables<TEntity extends MirrorEntity> {
  /** Stripe's name of the type (`customer`), as reported to telemetry. */
  objectName: string;
  target: EntityTarget<TEntity>;
  children: ChildTable[];
}

export interface ChildRows {
  table: ChildTable;
  rows: MirrorRow<MirrorEntity>[];
  /** False when Stripe's list was cut short: the children not in `rows` may still exist, so none is swept. */
  complete: boolean;
}

/** One Stripe object ready to be written: its row and its children's rows. */
export interface MirrorRecord<TEntity extends MirrorEntity> {
  row: MirrorRow<TEntity>;
  children: ChildRows[];
  /** Stripe says the object was deleted (a `*.deleted` event): it is written soft-deleted, children too. */
  deleted?: boolean;
}

/** What a guarded soft delete did: marked the row, kept it (it was observed later), or found none. */
export type SoftDeleteResult = 'deleted' | 'kept' | 'unknown';

/** How a write is made: for which account (null: the platform's own objects), and what commits with it. */
export interface WriteOptions {
  account?: string | null;
  /** Runs in the write's transaction, after the rows (such as saving a run's cursor). */
  alsoInTransaction?: (manager: EntityManager, counts: WriteCounts) => Promise<unknown>;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  restored: number;
}

/** Bound parameters per statement, well under what every dialect accepts (SQLite's limit is the lowest: 32,766). */
const MAX_PARAMETERS_PER_STATEMENT = 30_000;

/** Attempts of a transaction the database gave up (a deadlock) before the error is the caller's. */
const MAX_TRANSACTION_ATTEMPTS = 5;

/** Rows per upsert: every full chunk sends the same statement, so the database can keep it prepared. */
const ROWS_PER_UPSERT = 100;

/**
 * Writes the mirror with set-based statements: each call upserts its rows 100 to a statement, inside one
 * transaction. Every row carries `observed_at`, the time Stripe's data was true; a write never
 * replaces a row observed later (the guard is inside the upsert, so it holds against concurrent writers).
 */
@Injectable()
export class MirrorWriter implements OnModuleInit {
  private readonly dialect: MirrorDialect;
  private serialQueue: Promise<unknown> = Promise.resolve();
  private readonly fullChunkSql = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly telemetry: StripeSyncTelemetry,
  ) {
    this.dialect = mirrorDialect(dataSource);
  }

  onModuleInit(): Promise<void> {
    return this.dialect.checkTimestamps();
  }

  /** Runs `work` in a transaction (queued on SQLite, which has one connection). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const locked = async (manager: EntityManager) => {
      await this.dialect.beginWrite(manager);
      return work(manager);
    };
    const run = async (): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.dataSource.transaction(locked);
        } catch (error) {
          // Nothing was committed, so the same work runs again: unprepared when a pooler lost a prepared upsert
          // (which fails before anything else in `work`), after a short wait when the database broke a deadlock.
          if (this.dialect.stopPreparing(error)) continue;
          if (!this.dialect.isTransient(error) || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * attempt));
        }
      }
    };
    if (!this.dialect.serialTransactions) return run();
    const result = this.serialQueue.then(run, run);
    this.serialQueue = result.catch(() => undefined);
    return result;
  }

  isDuplicateKey(error: unknown): boolean {
    return this.dialect.isDuplicateKey(error);
  }

  /**
   * Upserts the records and their children in one transaction, as data of `account` observed at `observedAt`;
   * clears `deleted_at` on rows that come back.
   */
  async write<TEntity extends MirrorEntity>(
    tables: MirrorTables<TEntity>,
    records: MirrorRecord<TEntity>[],
    observedAt: Date,
    { account = null, alsoInTransaction }: WriteOptions = {},
  ): Promise<WriteCounts> {
    const counts = await this.transaction(async (manager) => {
      const written = await this.writeIn(manager, tables, records, observedAt, account);
      await alsoInTransaction?.(manager, written);
      return written;
    });
    this.telemetry.report('objectsWritten', tables.objectName, records.length, counts.restored);
    return counts;
  }

  /**
   * Upserts one record as `write` does; false when the guard kept the stored row, because it was observed later
   * (written by another instance or run since the caller last looked).
   */
  async writeOne<TEntity extends MirrorEntity>(
    tables: MirrorTables<TEntity>,
    record: MirrorRecord<TEntity>,
    observedAt: Date,
    account: string | null = null,
  ): Promise<boolean> {
    const { written, restored } = await this.transaction(async (manager) => {
      const counts = await this.writeIn(manager, tables, [record], observedAt, account);
      const kept = (await this.observedAtIn(manager, tables, record.row.id))?.getTime() === observedAt.getTime();
      return { written: kept, restored: kept ? counts.restored : 0 };
    });
    if (written) this.telemetry.report('objectsWritten', tables.objectName, 1, restored);
    return written;
  }

  /** When the stored row's data was observed; undefined for a row the mirror does not have. */
  observedAt<TEntity extends MirrorEntity>(tables: MirrorTables<TEntity>, id: string): Promise<Date | undefined> {
    return this.observedAtIn(this.dataSource.manager, tables, id);
  }

  private async observedAtIn<TEntity extends MirrorEntity>(manager: EntityManager, tables: MirrorTables<TEntity>, id: string) {
    const row = await manager
      .createQueryBuilder(tables.target, 'mirror')
      .select(['mirror.id', 'mirror.observedAt'])
      .where('mirror.id = :id', { id })
      .getOne();
    return row?.observedAt;
  }

  private async writeIn<TEntity extends MirrorEntity>(
    manager: EntityManager,
    tables: MirrorTables<TEntity>,
    records: MirrorRecord<TEntity>[],
    observedAt: Date,
    account: string | null,
  ): Promise<WriteCounts> {
    if (records.length === 0) return { inserted: 0, updated: 0, restored: 0 };
    records = [...new Map(records.map((record) => [record.row.id, record])).values()];
    const ids = records.map((record) => record.row.id);
    const hasRaw = manager.connection.getMetadata(tables.target).findColumnWithPropertyName('raw') !== undefined;
    const existing = await this.findStored(manager, tables.target, ids, hasRaw);
    const stamps = { accountId: account, observedAt, syncedAt: new Date() };
    const deleted = new Set<MirrorRow<MirrorEntity>>();
    for (const record of records.filter((candidate) => candidate.deleted)) {
      deleted.add(record.row);
      for (const set of record.children) for (const row of set.rows) deleted.add(row);
    }

    await this.upsert(
      manager,
      tables.target,
      records.map((record) => record.row),
      stamps,
      deleted,
    );
    for (const table of tables.children) {
      const rows: MirrorRow<MirrorEntity>[] = [];
      const completeParentIds: string[] = [];
      for (const record of records) {
        for (const set of record.children.filter((child) => child.table.target === table.target)) {
          rows.push(...set.rows);
          // A parent new to the mirror has no children in it to sweep.
          if (set.complete && existing.has(record.row.id)) completeParentIds.push(record.row.id);
        }
      }
      await this.upsert(manager, table.target, rows, stamps, deleted);
      await this.sweepChildren(manager, table, completeParentIds, observedAt);
    }

    const restored = records.filter((record) => !record.deleted && existing.get(record.row.id)?.deletedAt).length;
    // Rows whose Stripe data differs from what the mirror held (a restored row counts as restored only); a type
    // without `raw` counts every row it had.
    const updated = records.filter((record) => {
      const stored = existing.get(record.row.id);
      return (
        stored !== undefined &&
        stored.deletedAt === null &&
        !(hasRaw && isDeepStrictEqual(stored.raw, (record.row as { raw?: unknown }).raw))
      );
    }).length;
    return { inserted: ids.length - existing.size, updated, restored };
  }

  /**
   * Marks the row (and its children) deleted, as data observed at `observedAt`: unless the stored row was observed
   * later, which it then keeps. The first deletion time is kept.
   */
  async softDelete<TEntity extends MirrorEntity>(tables: MirrorTables<TEntity>, id: string, observedAt: Date): Promise<SoftDeleteResult> {
    const result = await this.transaction(async (manager): Promise<SoftDeleteResult> => {
      const meta = manager.connection.getMetadata(tables.target);
      const deletedAt = this.column(meta, 'deletedAt');
      const marked = await manager
        .createQueryBuilder()
        .update(tables.target)
        .set({ deletedAt: () => `COALESCE(${deletedAt}, :observedAt)`, observedAt } as never)
        .where(`${this.column(meta, 'id')} = :id`, { id })
        .andWhere(`${this.column(meta, 'observedAt')} <= :observedAt`, { observedAt })
        .execute();
      if (!marked.affected) return (await this.findStored(manager, tables.target, [id], false)).size > 0 ? 'kept' : 'unknown';
      for (const child of tables.children) {
        await this.markDeleted(manager, child.target, observedAt, (qb, childMeta) => {
          qb.andWhere(`${this.column(childMeta, child.parentProperty)} = :id`, { id });
        });
      }
      return 'deleted';
    });
    if (result === 'deleted') this.telemetry.report('objectsSoftDeleted', tables.objectName, 1);
    return result;
  }

  /** Soft-deletes every row (and child) of the connected account `account` in these tables: it left the platform. */
  async softDeleteAccount(tables: MirrorTables<MirrorEntity>[], account: string, at: Date): Promise<void> {
    await this.softDeleteOfAccounts(tables, at, (meta) => [`${this.column(meta, 'accountId')} = :account`, { account }]);
  }

  /**
   * Soft-deletes every row (and child) in these tables of the connected accounts whose own row in `accounts` is
   * marked deleted: they left the platform, and what said so (a deauthorization) may have been missed.
   */
  async softDeleteOfLeftAccounts(accounts: EntityTarget<MirrorEntity>, tables: MirrorTables<MirrorEntity>[], at: Date): Promise<void> {
    const meta = this.dataSource.getMetadata(accounts);
    const left = `SELECT ${this.column(meta, 'id')} FROM ${this.table(meta)} WHERE ${this.column(meta, 'deletedAt')} IS NOT NULL`;
    await this.softDeleteOfAccounts(tables, at, (tableMeta) => [`${this.column(tableMeta, 'accountId')} IN (${left})`, {}]);
  }

  private async softDeleteOfAccounts(
    tables: MirrorTables<MirrorEntity>[],
    at: Date,
    condition: (meta: EntityMetadata) => [string, Record<string, unknown>],
  ): Promise<void> {
    const ofAccounts = (qb: UpdateQueryBuilder<MirrorEntity>, meta: EntityMetadata) => void qb.andWhere(...condition(meta));
    const deleted = await this.transaction(async (manager) => {
      const counts: [string, number][] = [];
      for (const { objectName, target, children } of tables) {
        counts.push([objectName, await this.markDeleted(manager, target, at, ofAccounts)]);
        for (const child of children) await this.markDeleted(manager, child.target, at, ofAccounts);
      }
      return counts;
    });
    for (const [objectName, count] of deleted) this.telemetry.report('objectsSoftDeleted', objectName, count);
  }

  /**
   * Soft-deletes rows (and children) of `accounts` (null: rows of no account) whose data was observed before
   * `before` and not since: after a completed full sync of those accounts that started at `before`, what Stripe no
   * longer returned. `firstInTransaction` may refuse it.
   */
  async sweep<TEntity extends MirrorEntity>(
    tables: MirrorTables<TEntity>,
    before: Date,
    at: Date,
    accounts: (string | null)[],
    firstInTransaction?: (manager: EntityManager) => Promise<void>,
  ): Promise<number> {
    const ids = accounts.filter((account) => account !== null);
    const observedBefore = (qb: UpdateQueryBuilder<MirrorEntity>, meta: EntityMetadata) => {
      qb.andWhere(`${this.column(meta, 'observedAt')} < :before`, { before });
      const account = this.column(meta, 'accountId');
      const of = [...(ids.length > 0 ? [`${account} IN (:...ids)`] : []), ...(accounts.includes(null) ? [`${account} IS NULL`] : [])];
      qb.andWhere(`(${of.join(' OR ')})`, { ids });
    };
    const swept = await this.transaction(async (manager) => {
      await firstInTransaction?.(manager);
      const marked = await this.markDeleted(manager, tables.target, at, observedBefore);
      for (const child of tables.children) await this.markDeleted(manager, child.target, at, observedBefore);
      return marked;
    });
    this.telemetry.report('objectsSoftDeleted', tables.objectName, swept);
    return swept;
  }

  /** The stored rows of these ids: when each was deleted, and (`withRaw`) its data. */
  private async findStored(manager: EntityManager, target: EntityTarget<MirrorEntity>, ids: string[], withRaw: boolean) {
    const found = new Map<string, { deletedAt: Date | null; raw?: unknown }>();
    for (const chunk of chunks(ids, MAX_PARAMETERS_PER_STATEMENT)) {
      const rows = await manager
        .createQueryBuilder(target, 'mirror')
        .select(['mirror.id', 'mirror.deletedAt', ...(withRaw ? ['mirror.raw'] : [])])
        .where('mirror.id IN (:...chunk)', { chunk })
        .getMany();
      for (const row of rows) found.set(row.id, row);
    }
    return found;
  }

  private async upsert(
    manager: EntityManager,
    target: EntityTarget<MirrorEntity>,
    rows: MirrorRow<MirrorEntity>[],
    stamps: { accountId: string | null; observedAt: Date; syncedAt: Date },
    deleted: Set<MirrorRow<MirrorEntity>>,
  ) {
    if (rows.length === 0) return;
    // One statement cannot upsert the same key twice: the last copy wins.
    rows = [...new Map(rows.map((row) => [row.id, row])).values()];
    const { driver } = this.dataSource;
    const meta = manager.connection.getMetadata(target);
    const live: Record<string, unknown> = { deletedAt: null, ...stamps };
    const gone: Record<string, unknown> = { ...live, deletedAt: stamps.observedAt };
    for (const chunk of chunks(rows, ROWS_PER_UPSERT)) {
      const parameters: unknown[] = [];
      for (const row of chunk) {
        const bookkeeping = deleted.has(row) ? gone : live;
        for (const column of meta.columns) {
          const value: unknown = column.propertyName in bookkeeping ? bookkeeping[column.propertyName] : column.getEntityValue(row);
          parameters.push(driver.preparePersistentValue(value, column));
        }
      }
      if (chunk.length === ROWS_PER_UPSERT) await this.dialect.runRepeated(manager, this.fullChunkUpsert(meta), parameters);
      else await this.dialect.runOnce(manager, this.upsertSql(meta, chunk.length), parameters);
    }
  }

  /** The upsert of a full chunk into the table of `meta`, built once: the same text every time. */
  private fullChunkUpsert(meta: EntityMetadata): string {
    let sql = this.fullChunkSql.get(meta.tablePath);
    if (!sql) {
      sql = this.upsertSql(meta, ROWS_PER_UPSERT);
      this.fullChunkSql.set(meta.tablePath, sql);
    }
    return sql;
  }

  /** The guarded upsert of `rowCount` rows into the table of `meta`. */
  private upsertSql(meta: EntityMetadata, rowCount: number): string {
    const columns = meta.columns.map((column) => column.databaseName);
    return this.dialect.guardedUpsert(
      this.table(meta),
      columns,
      rowCount,
      this.column(meta, 'id', false),
      this.column(meta, 'observedAt', false),
    );
  }

  /** The table of `meta`, escaped for SQL (with its schema, if any). */
  private table(meta: EntityMetadata): string {
    return meta.tablePath
      .split('.')
      .map((part) => this.dataSource.driver.escape(part))
      .join('.');
  }

  /**
   * Soft-deletes the children of `parentIds` that the upsert just before did not write: every child it wrote
   * (or kept, being newer) is observed at `observedAt` or later, so an older one is no longer in the parent.
   */
  private async sweepChildren(manager: EntityManager, table: ChildTable, parentIds: string[], observedAt: Date) {
    if (parentIds.length === 0) return;
    await this.markDeleted(manager, table.target, observedAt, (qb, meta) => {
      qb.andWhere(`${this.column(meta, table.parentProperty)} IN (:...parentIds)`, { parentIds });
      qb.andWhere(`${this.column(meta, 'observedAt')} < :observedAt`, { observedAt });
    });
  }

  private async markDeleted(
    manager: EntityManager,
    target: EntityTarget<MirrorEntity>,
    at: Date,
    filter: (qb: UpdateQueryBuilder<MirrorEntity>, meta: EntityMetadata) => void,
  ): Promise<number> {
    const meta = manager.connection.getMetadata(target);
    const qb = manager
      .createQueryBuilder()
      .update(target)
      .set({ deletedAt: at })
      .where(`${this.column(meta, 'deletedAt')} IS NULL`);
    filter(qb, meta);
    const result = await qb.execute();
    return result.affected ?? 0;
  }

  /** The column of `property`, escaped for SQL unless `escaped` is false. */
  private column(meta: EntityMetadata, property: string, escaped = true): string {
    const column = meta.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${meta.name} has no property ${property}`);
    return escaped ? this.dataSource.driver.escape(column.databaseName) : column.databaseName;
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
