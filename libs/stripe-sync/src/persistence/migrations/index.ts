import type { MigrationInterface } from 'typeorm';
import { StripeSyncInit1795759421504 as MysqlInit } from './mysql/1795759421504-StripeSyncInit.js';
import { StripeSyncInit1795759421504 as PostgresInit } from './postgres/1795759421504-StripeSyncInit.js';
import { StripeSyncInit1795759421504 as SqliteInit } from './sqlite/1795759421504-StripeSyncInit.js';

/** The databases the migrations are written for; 'mysql' covers MariaDB, 'sqlite' every TypeORM SQLite driver. */
export type StripeSyncDialect = 'postgres' | 'mysql' | 'sqlite';

const MIGRATIONS: Record<StripeSyncDialect, (new () => MigrationInterface)[]> = {
  postgres: [PostgresInit],
  mysql: [MysqlInit],
  sqlite: [SqliteInit],
};

/**
 * The migrations that create and update the module's tables on `dialect`, oldest first: add them to the
 * `migrations` of your DataSource, next to your own.
 */
export function stripeSyncMigrations(dialect: StripeSyncDialect): (new () => MigrationInterface)[] {
  if (!Object.hasOwn(MIGRATIONS, dialect)) {
    throw new Error(`stripeSyncMigrations: dialect must be one of ${Object.keys(MIGRATIONS).join(', ')}, got "${dialect}"`);
  }
  return [...MIGRATIONS[dialect]];
}
