import { createHash } from 'node:crypto';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { isTimestampColumn } from './mirror.columns.js';

/**
 * What differs between the databases the mirror runs on, in one place: the guarded multi-row upsert and how it
 * is sent, how a duplicate key is reported, and whether transactions must be queued (SQLite has a single
 * connection).
 */
export interface MirrorDialect {
  /** Runs one transaction at a time. */
  readonly serialTransactions: boolean;
  /** Runs first in every transaction: takes the write lock at once where a database needs that. */
  beginWrite(manager: EntityManager): Promise<unknown>;
  /**
   * INSERT of `rowCount` rows that, when a key exists, overwrites the row only if the stored row was not
   * observed later than the new one (`guardColumn`): an older write never replaces newer data.
   */
  guardedUpsert(table: string, columns: string[], rowCount: number, key: string, guardColumn: string): string;
  /** Runs a statement the writer sends over and over, such as the upsert of a full chunk of rows. */
  runRepeated(manager: EntityManager, sql: string, parameters: unknown[]): Promise<unknown>;
  /** Runs a statement whose text varies, such as the upsert of a last, partial chunk. */
  runOnce(manager: EntityManager, sql: string, parameters: unknown[]): Promise<unknown>;
  /**
   * True when `error` says a connection pooler lost a prepared statement; the dialect then stops preparing
   * and the failed transaction can be run again.
   */
  stopPreparing(error: unknown): boolean;
  isDuplicateKey(error: unknown): boolean;
  /** True when the database gave up a transaction that may be run again as it is (a deadlock). */
  isTransient(error: unknown): boolean;
  /** Refuses to start with a connection or tables that would not store timestamps as absolute instants. */
  checkTimestamps(): Promise<void>;
}

const runPlain = (manager: EntityManager, sql: string, parameters: unknown[]) => manager.query(sql, parameters);
const noLock = async () => undefined;

export function mirrorDialect(dataSource: DataSource): MirrorDialect {
  const escape = (name: string) => dataSource.driver.escape(name);
  switch (dataSource.options.type) {
    case 'postgres': {
      const prepared = new PreparedStatements();
      return {
        serialTransactions: false,
        beginWrite: noLock,
        guardedUpsert: (table, columns, rowCount, key, guard) =>
          `${insertValues(table, columns, rowCount, escape, (i) => `$${i + 1}`)} ON CONFLICT (${escape(key)}) DO UPDATE SET ` +
          `${columns.map((c) => `${escape(c)} = EXCLUDED.${escape(c)}`).join(', ')} ` +
          `WHERE ${table}.${escape(guard)} <= EXCLUDED.${escape(guard)}`,
        runRepeated: (manager, sql, parameters) => prepared.run(manager, sql, parameters),
        runOnce: runPlain,
        stopPreparing: (error) => prepared.stopOn(error),
        isDuplicateKey: (error) => driverCode(error) === '23505',
        // deadlock_detected, serialization_failure
        isTransient: (error) => ['40P01', '40001'].includes(String(driverCode(error))),
        checkTimestamps: () => checkPostgresTimestamps(dataSource),
      };
    }
    case 'better-sqlite3':
      return {
        serialTransactions: true,
        // SQLite begins a transaction without a lock and takes the write lock at its first write: two processes on one
        // file that both read first then deadlock, and one fails with SQLITE_BUSY at once. A write that changes
        // nothing takes the lock first (as BEGIN IMMEDIATE would), so that the other waits its turn instead.
        beginWrite: (manager) => manager.query(`DELETE FROM ${escape('stripe_sync_locks')} WHERE 0`),
        guardedUpsert: (table, columns, rowCount, key, guard) =>
          `${insertValues(table, columns, rowCount, escape, () => '?')} ON CONFLICT (${escape(key)}) DO UPDATE SET ` +
          `${columns.map((c) => `${escape(c)} = excluded.${escape(c)}`).join(', ')} ` +
          `WHERE ${table}.${escape(guard)} <= excluded.${escape(guard)}`,
        // TypeORM keeps a cache of prepared statements by their text.
        runRepeated: runPlain,
        runOnce: runPlain,
        stopPreparing: () => false,
        isDuplicateKey: (error) => /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(String(driverCode(error))),
        // Transactions wait for the write lock (beginWrite); a busy one has waited its timeout already.
        isTransient: () => false,
        // TypeORM writes SQLite datetimes as UTC text.
        checkTimestamps: async () => undefined,
      };
    case 'mysql':
    case 'mariadb':
      return {
        serialTransactions: false,
        beginWrite: noLock,
        // MySQL has no WHERE on upserts: each column keeps its value unless the new row is not older. The guard
        // column itself is assigned last, since later assignments would otherwise see its new value.
        guardedUpsert: (table, columns, rowCount, _key, guard) => {
          const newer = `${escape(guard)} <= VALUES(${escape(guard)})`;
          const ordered = [...columns.filter((c) => c !== guard), guard];
          return (
            `${insertValues(table, columns, rowCount, escape, () => '?')} ON DUPLICATE KEY UPDATE ` +
            ordered.map((c) => `${escape(c)} = IF(${newer}, VALUES(${escape(c)}), ${escape(c)})`).join(', ')
          );
        },
        runRepeated: (manager, sql, parameters) => executeMysql(manager, sql, parameters, true),
        // Prepared too, for the same gain, then closed: statements of every length would pile up on the server.
        runOnce: (manager, sql, parameters) => executeMysql(manager, sql, parameters, false),
        stopPreparing: () => false,
        isDuplicateKey: (error) => driverCode(error) === 'ER_DUP_ENTRY',
        // InnoDB's next-key locks make concurrent upserts into one table deadlock now and then; it says to restart.
        isTransient: (error) => ['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT'].includes(String(driverCode(error))),
        checkTimestamps: async () => checkMysqlTimezone(dataSource),
      };
    default:
      throw new Error(`nestjs-stripe-sync does not support ${dataSource.options.type} databases (PostgreSQL, MySQL/MariaDB, SQLite)`);
  }
}

/**
 * mysql2 writes a Date into a `datetime` as wall time in the connection's `timezone` (the process's own by default),
 * so only a UTC connection stores instants that mean the same to every reader and every instance.
 */
function checkMysqlTimezone(dataSource: DataSource): void {
  const { timezone = 'local' } = dataSource.options as { timezone?: string };
  if (!/^(Z|[+-]00:?00)$/i.test(timezone)) {
    throw new Error(
      `StripeSyncModule: the MySQL/MariaDB connection must write dates in UTC: set timezone: 'Z' in its options ` +
        `(it is ${JSON.stringify(timezone)}, so stored times would depend on where the app runs)`,
    );
  }
}

/** After an upgrade, the timestamp columns stay `timestamp without time zone` until the migration that converts them runs. */
async function checkPostgresTimestamps(dataSource: DataSource): Promise<void> {
  const expected = dataSource.entityMetadatas.flatMap((meta) =>
    meta.columns.filter((column) => isTimestampColumn(column)).map((column) => `${meta.tableName}.${column.databaseName}`),
  );
  const rows: { table_name: string; column_name: string }[] = await dataSource.query(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND data_type = 'timestamp without time zone'`,
    [dataSource.driver.schema ?? 'public'],
  );
  const local = rows.map((row) => `${row.table_name}.${row.column_name}`).filter((column) => expected.includes(column));
  if (local.length > 0) {
    throw new Error(
      `StripeSyncModule: ${local.join(', ')} ${local.length > 1 ? 'are' : 'is'} "timestamp without time zone": run the ` +
        `module's migrations (stripeSyncMigrations('postgres')), which store them as "timestamp with time zone"`,
    );
  }
}

/** The part of a `pg` client the prepared statements use. */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>;
}

/** The part of a `mysql2` connection the prepared statements use. */
interface MysqlConnection {
  execute(sql: string, values: unknown[], callback: (error: Error | null, result?: unknown) => void): void;
  unprepare(sql: string): void;
}

/**
 * Sends `sql` on the transaction's own driver connection, logged and failing as TypeORM's queries do (the writer
 * tells errors apart by their `driverError`). Outside a transaction, it runs as a plain query.
 */
async function onDriverConnection(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
  send: (connection: unknown) => Promise<unknown>,
): Promise<unknown> {
  const runner = manager.queryRunner;
  if (!runner) return runPlain(manager, sql, parameters);
  const connection: unknown = await runner.connect();
  manager.connection.logger.logQuery(sql, parameters, runner);
  try {
    return await send(connection);
  } catch (error) {
    manager.connection.logger.logQueryError(error as Error, sql, parameters, runner);
    throw new QueryFailedError(sql, parameters, error as Error);
  }
}

/**
 * Runs a statement as a prepared one: its parameters travel in binary instead of escaped into the text, which the
 * driver would build and the server parse again for every page, most of both sides' CPU with rows of JSON.
 * mysql2 keeps a prepared statement per connection until it is closed (`keep` false: at once).
 */
function executeMysql(manager: EntityManager, sql: string, parameters: unknown[], keep: boolean): Promise<unknown> {
  return onDriverConnection(manager, sql, parameters, async (connection) => {
    const mysql = connection as MysqlConnection;
    try {
      return await new Promise((resolve, reject) =>
        mysql.execute(sql, parameters, (error, result) => (error ? reject(error) : resolve(result))),
      );
    } finally {
      if (!keep) mysql.unprepare(sql);
    }
  });
}

/**
 * Runs repeated statements as named prepared statements: PostgreSQL parses and plans each one once per
 * connection instead of on every page (about a quarter of its CPU in a full sync). A pooler in transaction mode
 * may not keep them (PgBouncer before 1.21, or with max_prepared_statements = 0); the first error that shows it
 * turns them off for the process.
 */
class PreparedStatements {
  private enabled = true;
  private readonly names = new Map<string, string>();

  run(manager: EntityManager, sql: string, parameters: unknown[]): Promise<unknown> {
    if (!this.enabled) return runPlain(manager, sql, parameters);
    return onDriverConnection(manager, sql, parameters, (client) =>
      (client as PgClient).query({ name: this.nameOf(sql), text: sql, values: parameters }),
    );
  }

  stopOn(error: unknown): boolean {
    // 26000: no such prepared statement; 42P05: it exists already. A connection that keeps its own never says either.
    if (!this.enabled || !['26000', '42P05'].includes(String(driverCode(error)))) return false;
    this.enabled = false;
    return true;
  }

  /** Named after the text, so that one name never stands for two statements. */
  private nameOf(sql: string): string {
    let name = this.names.get(sql);
    if (!name) {
      name = `stripe_sync_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
      this.names.set(sql, name);
    }
    return name;
  }
}

function insertValues(
  table: string,
  columns: string[],
  rowCount: number,
  escape: (name: string) => string,
  placeholder: (index: number) => string,
) {
  const rows = Array.from(
    { length: rowCount },
    (_, row) => `(${columns.map((_, col) => placeholder(row * columns.length + col)).join(', ')})`,
  );
  return `INSERT INTO ${table} (${columns.map(escape).join(', ')}) VALUES ${rows.join(', ')}`;
}

function driverCode(error: unknown): unknown {
  const { driverError, code } = (error ?? {}) as { driverError?: { code?: unknown }; code?: unknown };
  return driverError?.code ?? code;
}
