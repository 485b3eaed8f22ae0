import { Column, type ColumnOptions, type ValueTransformer } from 'typeorm';

/*
 * Column types that every supported dialect (SQLite, PostgreSQL, MySQL/MariaDB) accepts, kept in one place.
 * `Date` maps to datetime (SQLite, MySQL) and timestamp (PostgreSQL); 'json' is JSON on PostgreSQL and MySQL, and
 * text that TypeORM parses back on SQLite and MariaDB.
 */

export const IdColumn = (options: ColumnOptions = {}) => Column({ type: 'varchar', length: 255, ...options });

/** Milliseconds, as a `Date` holds: MySQL's datetime would drop them, and `observed_at` guards compare them. */
export const TimestampColumn = (options: ColumnOptions = {}) => Column({ type: Date, precision: 3, nullable: true, ...options });

/** A counter that starts at zero. */
export const CountColumn = (options: ColumnOptions = {}) => Column({ type: 'integer', default: 0, ...options });

export const JsonColumn = (options: ColumnOptions = {}) => Column({ type: 'json', ...options });

/** PostgreSQL and MySQL hand bigints back as strings; Unix times fit a JavaScript number. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

export const UnixTimeColumn = (options: ColumnOptions = {}) => Column({ type: 'bigint', transformer: bigintAsNumber, ...options });
