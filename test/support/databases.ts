import Database from 'better-sqlite3';
import pg from 'pg';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';

export type TestDatabaseKind = 'sqlite' | 'postgres';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The databases the suites run on: SQLite always; PostgreSQL when it answers. Listing a database in
 * TEST_DATABASES (as CI does: `sqlite,postgres`) makes it required: unreachable is then an error, not a skip.
 */
export async function testDatabases(): Promise<TestDatabaseKind[]> {
  const required = (process.env.TEST_DATABASES ?? '').split(',').filter(Boolean);
  const postgresUp = await postgresReachable();
  if (required.includes('postgres') && !postgresUp) {
    throw new Error(`TEST_DATABASES requires PostgreSQL but ${redact(POSTGRES_URL)} cannot be reached`);
  }
  return postgresUp ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, empty database: an in-memory SQLite file, or a PostgreSQL schema of its own that `drop` removes. */
export async function createTestDatabase(kind: TestDatabaseKind): Promise<{ options: TypeOrmModuleOptions; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    return {
      options: { type: 'better-sqlite3', driver: Database, database: ':memory:', synchronize: true, autoLoadEntities: true },
      drop: async () => undefined,
    };
  }
  const schema = `stripe_sync_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await withClient((client) => client.query(`CREATE SCHEMA "${schema}"`));
  return {
    options: { type: 'postgres', url: POSTGRES_URL, schema, synchronize: true, autoLoadEntities: true },
    drop: () => withClient((client) => client.query(`DROP SCHEMA "${schema}" CASCADE`)).then(() => undefined),
  };
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function postgresReachable(): Promise<boolean> {
  try {
    await withClient((client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
