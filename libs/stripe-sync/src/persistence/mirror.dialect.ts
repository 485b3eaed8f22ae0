import type { DataSource } from 'typeorm';

/**
 * What differs between the databases the mirror runs on, in one place: the guarded multi-row upsert, how a
 * duplicate key is reported, and whether transactions must be queued (SQLite has a single connection).
 */
export interface MirrorDialect {
  /** Runs one transaction at a time. */
  readonly serialTransactions: boolean;
  /**
   * INSERT of `rowCount` rows that, when a key exists, overwrites the row only if the stored row was not
   * observed later than the new one (`guardColumn`): an older write never replaces newer data.
   */
  guardedUpsert(table: string, columns: string[], rowCount: number, key: string, guardColumn: string): string;
  isDuplicateKey(error: unknown): boolean;
}

export function mirrorDialect(dataSource: DataSource): MirrorDialect {
  const escape = (name: string) => dataSource.driver.escape(name);
  switch (dataSource.options.type) {
    case 'postgres':
      return {
        serialTransactions: false,
        guardedUpsert: (table, columns, rowCount, key, guard) =>
          `${insertValues(table, columns, rowCount, escape, (i) => `$${i + 1}`)} ON CONFLICT (${escape(key)}) DO UPDATE SET ` +
          `${columns.map((c) => `${escape(c)} = EXCLUDED.${escape(c)}`).join(', ')} ` +
          `WHERE ${table}.${escape(guard)} <= EXCLUDED.${escape(guard)}`,
        isDuplicateKey: (error) => driverCode(error) === '23505',
      };
    case 'better-sqlite3':
      return {
        serialTransactions: true,
        guardedUpsert: (table, columns, rowCount, key, guard) =>
          `${insertValues(table, columns, rowCount, escape, () => '?')} ON CONFLICT (${escape(key)}) DO UPDATE SET ` +
          `${columns.map((c) => `${escape(c)} = excluded.${escape(c)}`).join(', ')} ` +
          `WHERE ${table}.${escape(guard)} <= excluded.${escape(guard)}`,
        isDuplicateKey: (error) => /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(String(driverCode(error))),
      };
    case 'mysql':
    case 'mariadb':
      return {
        serialTransactions: false,
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
        isDuplicateKey: (error) => driverCode(error) === 'ER_DUP_ENTRY',
      };
    default:
      throw new Error(`nestjs-stripe-sync does not support ${dataSource.options.type} databases (PostgreSQL, MySQL/MariaDB, SQLite)`);
  }
}

function insertValues(table: string, columns: string[], rowCount: number, escape: (name: string) => string, placeholder: (index: number) => string) {
  const rows = Array.from({ length: rowCount }, (_, row) => `(${columns.map((_, col) => placeholder(row * columns.length + col)).join(', ')})`);
  return `INSERT INTO ${table} (${columns.map(escape).join(', ')}) VALUES ${rows.join(', ')}`;
}

function driverCode(error: unknown): unknown {
  const { driverError, code } = (error ?? {}) as { driverError?: { code?: unknown }; code?: unknown };
  return driverError?.code ?? code;
}
