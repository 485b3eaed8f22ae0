import type { Type } from '@nestjs/common';
import { Column, type ColumnOptions, JoinColumn, ManyToOne, type ValueTransformer } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/*
 * Column types that every supported dialect (SQLite, PostgreSQL, MySQL/MariaDB) accepts, kept in one place.
 * 'json' is JSON on PostgreSQL and MySQL, and text that TypeORM parses back on SQLite and MariaDB.
 */

export const IdColumn = (options: ColumnOptions = {}) => Column({ type: 'varchar', length: 255, ...options });

/** The timestamp columns of the module's entities: entity class → property names. */
const instantColumns = new Map<object, Set<string>>();

/**
 * An absolute instant, with milliseconds (MySQL's datetime would drop them, and `observed_at` guards compare
 * them), whatever the time zone of the process that writes it: `timestamp with time zone` on PostgreSQL; on
 * SQLite, TypeORM writes UTC text; on MySQL/MariaDB, `datetime` written in UTC, which the dialect makes sure of
 * at start-up (`mirror.dialect.ts`).
 */
export const TimestampColumn =
  (options: ColumnOptions = {}): PropertyDecorator =>
  (target, property) => {
    const properties = instantColumns.get(target.constructor) ?? new Set<string>();
    instantColumns.set(target.constructor, properties.add(String(property)));
    Column({ type: Date, precision: 3, nullable: true, ...options })(target, property);
  };

/*
 * TypeORM maps `Date` to `timestamp without time zone` on PostgreSQL, where `pg` writes the process's local wall
 * time (the stored value then depends on TZ, and jumps back at a daylight-saving change), and it has no column type
 * per dialect (typeorm#1776). So its PostgreSQL driver is told that the module's own timestamp columns, and only
 * those, are `timestamp with time zone`: in the tables it synchronizes, the migrations it generates and the schema
 * it compares. Values are written and read as before (both types take and give a `Date`).
 */
// eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the driver as `this`
const normalizeType = PostgresDriver.prototype.normalizeType;
PostgresDriver.prototype.normalizeType = function (this: PostgresDriver, column: Parameters<typeof normalizeType>[0]) {
  return isTimestampColumn(column) ? 'timestamp with time zone' : normalizeType.call(this, column);
};

/** True for a column metadata of a `TimestampColumn`. */
export function isTimestampColumn(column: object): boolean {
  const { target, propertyName } = column as { target?: unknown; propertyName?: string };
  return typeof target === 'function' && propertyName !== undefined && instantColumns.get(target)?.has(propertyName) === true;
}

/** A counter that starts at zero. */
export const CountColumn = (options: ColumnOptions = {}) => Column({ type: 'integer', default: 0, ...options });

export const JsonColumn = (options: ColumnOptions = {}) => Column({ type: 'json', ...options });

/** PostgreSQL and MySQL hand bigints back as strings; Unix times fit a JavaScript number. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

export const UnixTimeColumn = (options: ColumnOptions = {}) => Column({ type: 'bigint', transformer: bigintAsNumber, ...options });

/** An amount in the currency's smallest unit, or a balance: Stripe's integers can exceed 32 bits. */
export const AmountColumn = (options: ColumnOptions = {}) => UnixTimeColumn({ nullable: true, ...options });

/** A short string of a known set (a status, a currency, an interval). */
export const CodeColumn = (options: ColumnOptions = {}) => Column({ type: 'varchar', length: 64, nullable: true, ...options });

/** Free text of any length (a description, a URL). */
export const TextColumn = (options: ColumnOptions = {}) => Column({ type: 'text', nullable: true, ...options });

export const FlagColumn = (options: ColumnOptions = {}) => Column({ type: 'boolean', nullable: true, ...options });

/**
 * A TypeORM relation over the id column `column` (declared apart, so the id is there whether or not the other
 * object is mirrored), with no foreign-key constraint: Stripe's objects arrive in any order, a subscription before
 * its customer.
 */
export const ReferenceTo =
  (type: () => Type<object>, column: string): PropertyDecorator =>
  (target, property) => {
    ManyToOne(type, { createForeignKeyConstraints: false, nullable: true })(target, property);
    JoinColumn({ name: column })(target, property);
  };
