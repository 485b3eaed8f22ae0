import Database from 'better-sqlite3';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';

export type TestDatabaseKind = 'sqlite' | 'postgres' | 'mysql';
type ServerKind = Exclude<TestDatabaseKind, 'sqlite'>;

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const SERVERS: Record<ServerKind, { name: string; url: string }> = {
  postgres: { name: 'PostgreSQL', url: POSTGRES_URL },
  mysql: { name: 'MySQL/MariaDB', url: MYSQL_URL },
};

/**
 * The databases the suites run on: SQLite always; PostgreSQL and MySQL/MariaDB when they answer. Listing a
 * database in TEST_DATABASES (as CI does: `sqlite,postgres,mysql`) makes it required: unreachable is then an
 * error, not a skip.
 */
export async function testDatabases(): Promise<TestDatabaseKind[]> {
  const required = (process.env.TEST_DATABASES ?? '').split(',').filter(Boolean);
  const servers = Object.keys(SERVERS) as ServerKind[];
  const up = await Promise.all(servers.map((kind) => reachable(kind)));
  servers.forEach((kind, i) => {
    if (required.includes(kind) && !up[i]) {
      throw new Error(`TEST_DATABASES requires ${SERVERS[kind].name} but ${redact(SERVERS[kind].url)} cannot be reached`);
    }
  });
  return ['sqlite', ...servers.filter((_, i) => up[i])];
}

/**
 * A fresh, empty database that `drop` removes: an in-memory SQLite database (a file with `sqliteFile`, so that
 * several apps can share it), a PostgreSQL schema of its own, or a MySQL/MariaDB database of its own (they have
 * no schemas inside a database).
 */
export async function createTestDatabase(
  kind: TestDatabaseKind,
  { sqliteFile = false } = {},
): Promise<{ options: TypeOrmModuleOptions; drop(): Promise<void> }> {
  const common = { synchronize: true, autoLoadEntities: true };
  const name = `stripe_sync_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  switch (kind) {
    case 'sqlite': {
      const file = join(tmpdir(), `${name}.sqlite`);
      return {
        options: { type: 'better-sqlite3', driver: Database, database: sqliteFile ? file : ':memory:', ...common },
        drop: () => rm(file, { force: true }),
      };
    }
    case 'postgres':
      await query('postgres', `CREATE SCHEMA "${name}"`);
      return {
        options: { type: 'postgres', url: POSTGRES_URL, schema: name, ...common },
        drop: () => query('postgres', `DROP SCHEMA "${name}" CASCADE`).then(() => undefined),
      };
    case 'mysql': {
      const [{ version }] = (await query('mysql', 'SELECT VERSION() AS version')) as { version: string }[];
      await query('mysql', `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
      // The URL's database wins over a `database` option in TypeORM.
      const url = new URL(MYSQL_URL);
      url.pathname = `/${name}`;
      return {
        // timezone 'Z': Dates are written and read as UTC, whatever the server's time zone.
        options: { type: version.includes('MariaDB') ? 'mariadb' : 'mysql', url: url.href, timezone: 'Z', ...common },
        drop: () => query('mysql', `DROP DATABASE \`${name}\``).then(() => undefined),
      };
    }
  }
}

/** Runs one statement on a server over a connection of its own; rejects when the server does not answer. */
export async function query(kind: ServerKind, sql: string): Promise<unknown[]> {
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }
  const connection = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 2000 });
  try {
    const [rows] = await connection.query(sql);
    return rows as unknown[];
  } finally {
    await connection.end();
  }
}

async function reachable(kind: ServerKind): Promise<boolean> {
  try {
    await query(kind, 'SELECT 1');
    return true;
  } catch {
    return false;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** SQL that gives a timestamp column's value as Unix seconds, whatever the session's time zone. */
export function epochSeconds(kind: TestDatabaseKind, column: string): string {
  switch (kind) {
    case 'postgres':
      return `CAST(EXTRACT(EPOCH FROM ${column}) AS bigint)`;
    case 'mysql':
      return `TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', ${column})`;
    case 'sqlite':
      return `CAST(strftime('%s', ${column}) AS INTEGER)`;
  }
}
