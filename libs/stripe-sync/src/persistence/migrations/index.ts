import type { MigrationInterface } from 'typeorm';
import { StripeSyncInit1795759421504 as MysqlInit } from './mysql/1795759421504-StripeSyncInit.js';
import { StripeSyncBillingModel1796100000000 as MysqlBillingModel } from './mysql/1796100000000-StripeSyncBillingModel.js';
import { StripeSyncInit1795759421504 as PostgresInit } from './postgres/1795759421504-StripeSyncInit.js';
import { StripeSyncTimestamptz1796000000000 as PostgresTimestamptz } from './postgres/1796000000000-StripeSyncTimestamptz.js';
import { StripeSyncBillingModel1796100000000 as PostgresBillingModel } from './postgres/1796100000000-StripeSyncBillingModel.js';
import { StripeSyncInit1795759421504 as SqliteInit } from './sqlite/1795759421504-StripeSyncInit.js';
import { StripeSyncBillingModel1796100000000 as SqliteBillingModel } from './sqlite/1796100000000-StripeSyncBillingModel.js';

/** The databases the migrations are written for; 'mysql' covers MariaDB, 'sqlite' every TypeORM SQLite driver. */
export type StripeSyncDialect = 'postgres' | 'mysql' | 'sqlite';

export interface StripeSyncMigrationOptions {
  /**
   * PostgreSQL, upgrading from a version before 0.2: the time zone (IANA name, such as `Europe/Berlin`) of the app
   * processes that wrote the mirror so far, whose local times were stored. Default `UTC`.
   */
  storedTimeZone?: string;
}

type MigrationClass = new () => MigrationInterface;

const MIGRATIONS: Record<StripeSyncDialect, (options: Required<StripeSyncMigrationOptions>) => MigrationClass[]> = {
  postgres: ({ storedTimeZone }) => [
    PostgresInit,
    class extends PostgresTimestamptz {
      protected override readonly storedTimeZone = storedTimeZone;
    },
    PostgresBillingModel,
  ],
  mysql: () => [MysqlInit, MysqlBillingModel],
  sqlite: () => [SqliteInit, SqliteBillingModel],
};

/**
 * The migrations that create and update the module's tables on `dialect`, oldest first: add them to the
 * `migrations` of your DataSource, next to your own.
 */
export function stripeSyncMigrations(
  dialect: StripeSyncDialect,
  { storedTimeZone = 'UTC' }: StripeSyncMigrationOptions = {},
): MigrationClass[] {
  if (!Object.hasOwn(MIGRATIONS, dialect)) {
    throw new Error(`stripeSyncMigrations: dialect must be one of ${Object.keys(MIGRATIONS).join(', ')}, got "${dialect}"`);
  }
  if (!isTimeZone(storedTimeZone)) {
    throw new Error(`stripeSyncMigrations: storedTimeZone must be an IANA time zone such as "Europe/Berlin", got "${storedTimeZone}"`);
  }
  return MIGRATIONS[dialect]({ storedTimeZone });
}

/** Whether `zone` is an IANA time zone name this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return /^[A-Za-z0-9_+\-/]+$/.test(zone);
  } catch {
    return false;
  }
}
