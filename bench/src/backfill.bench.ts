/**
 * Backfill benchmark: `npm run bench -- [--n 20000] [--latency 150] [--jitter 50] [--rate 25] [--parallelism 4]`.
 *
 * Starts the Stripe emulator in a process of its own with Stripe-like latency and a test-mode rate limit, seeds it
 * with N subscriptions (1 to 15 items each), runs `syncAll()` into PostgreSQL (DATABASE_URL) or else a fresh
 * SQLite file, checks the mirror against the emulator, and prints one JSON line. It then does the same with
 * parallelism 1, so the gain is measured in the same run; each measurement runs in a process of its own.
 * `--rate 0 --latency 0` measures the module alone.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { StripeSubscription, StripeSubscriptionItem, StripeSyncModule, SubscriptionActionService } from 'nestjs-stripe-sync';
import pg from 'pg';
import { DataSource, In, IsNull } from 'typeorm';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '20000' },
    latency: { type: 'string', default: '150' },
    jitter: { type: 'string', default: '50' },
    rate: { type: 'string', default: '25' },
    // The module's default.
    parallelism: { type: 'string', default: '4' },
    // Internal: measure one parallelism against a running emulator, in a process of its own.
    'measure-at': { type: 'string' },
  },
});
const n = Number(values.n);
const rate = Number(values.rate);
/** Dropped on Ctrl-C or SIGTERM too, so an interrupted benchmark leaves no schema or file behind. */
let databaseInUse: { drop(): Promise<void> } | null = null;
/** Set on Ctrl-C or SIGTERM: the run then fails as its database goes, which is not worth reporting. */
let interrupted = false;

/**
 * Starts the emulator, then measures each parallelism in a fresh process, so that one measurement's memory and
 * warmed-up code do not carry over into the next.
 */
async function main() {
  const emulator = await startEmulator();
  let measuring: ChildProcess | null = null;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      emulator.process.kill('SIGTERM');
      // The measurement drops its database and exits (Ctrl-C may reach it directly too).
      measuring?.kill('SIGTERM');
    });
  }
  try {
    for (const parallelism of [Number(values.parallelism), 1]) {
      measuring = spawn(process.execPath, [...process.execArgv, process.argv[1], ...process.argv.slice(2), '--measure-at', emulator.url, '--parallelism', String(parallelism)], {
        stdio: 'inherit',
      });
      const code = await new Promise<number | null>((resolve) => measuring!.once('exit', resolve));
      if (code !== 0) throw new Error(`The measurement with parallelism ${parallelism} exited with ${code}`);
    }
  } finally {
    emulator.process.kill('SIGTERM');
  }
}

/** Measures one parallelism (the last --parallelism given) and prints its line. */
async function measureOne(url: string) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      void Promise.resolve(databaseInUse?.drop())
        .catch((error: unknown) => console.error(error))
        .finally(() => process.exit(1));
    });
  }
  console.log(JSON.stringify(await measure(url, Number(values.parallelism))));
}

/** One full sync into a fresh database, checked against the emulator. */
async function measure(url: string, parallelism: number) {
  const creating = freshDatabase();
  // Registered before it exists, so that a signal while it is being created still drops it.
  databaseInUse = { drop: () => creating.then((database) => database.drop()) };
  const database = await creating;
  const { hostname, port } = new URL(url);
  @Module({
    imports: [
      TypeOrmModule.forRoot(database.options),
      StripeSyncModule.forRoot({
        apiKey: 'sk_test_benchmark',
        stripe: { host: hostname, port: Number(port), protocol: 'http' },
        cron: false,
        parallelism,
        // Paced at the emulator's limit: the bound is the limit, and 429s would only slow the run down.
        requestsPerSecond: rate,
      }),
    ],
  })
  class BenchModule {}

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  // The heap right after each full collection is what the run keeps alive; the rest of the RSS is V8's slack.
  let peakLiveHeap = 0;
  const collections = new PerformanceObserver((list) => {
    const entries = list.getEntries() as { detail?: { kind?: number } }[];
    if (entries.some((entry) => entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) {
      peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
    }
  });
  collections.observe({ entryTypes: ['gc'] });
  try {
    const before = await control<EmulatorStats>(url, '/_emulator/stats');
    const started = performance.now();
    const summary = await app.get(SubscriptionActionService).syncAll();
    const seconds = (performance.now() - started) / 1000;
    const after = await control<EmulatorStats>(url, '/_emulator/stats');
    clearInterval(sampler);
    collections.disconnect();

    const dataSource = app.get(DataSource);
    await checkMirror(url, dataSource);
    if (summary.seen !== n) throw new Error(`The run counted ${summary.seen} objects of ${n}`);
    const unavoidable = Math.ceil(n / 100) + (await subscriptionsWithMoreThanTenItems(dataSource));
    const boundSeconds = rate > 0 ? unavoidable / rate : 0;
    return {
      objects: summary.seen,
      seconds: round(seconds),
      objectsPerSecond: Math.round(summary.seen / seconds),
      requests: after.total - before.total,
      unavoidableRequests: unavoidable,
      rateLimited: after.rateLimited - before.rateLimited,
      boundSeconds: round(boundSeconds),
      ratioToBound: rate > 0 ? round(boundSeconds / seconds) : null,
      peakRssMb: Math.round(peakRss / 2 ** 20),
      // null when the run was too short for a full collection.
      peakLiveHeapMb: peakLiveHeap > 0 ? Math.round(peakLiveHeap / 2 ** 20) : null,
      db: database.kind,
      parallelism,
    };
  } finally {
    clearInterval(sampler);
    collections.disconnect();
    await app.close();
    databaseInUse = null;
    await database.drop();
  }
}

/** The mirror holds exactly the emulator's subscriptions and their items, none soft-deleted. */
async function checkMirror(url: string, dataSource: DataSource) {
  const expected = new Set<string>();
  let expectedItems = 0;
  const items = dataSource.getRepository(StripeSubscriptionItem);
  // Statistics of the table as filled, or the lookups by subscription below may scan every item (minutes at 1M).
  await dataSource.query('ANALYZE stripe_subscription_items');
  for (let offset = 0; ; offset += 10_000) {
    const page = await control<ItemIdsPage>(url, `/_emulator/subscriptions/items?offset=${offset}&limit=10000`);
    const mirrored = new Map<string, string[]>();
    const rows = await items.find({
      select: { id: true, subscriptionId: true },
      where: { subscriptionId: In(page.data.map(({ id }) => id)), deletedAt: IsNull() },
    });
    for (const row of rows) {
      const ids = mirrored.get(row.subscriptionId) ?? [];
      ids.push(row.id);
      mirrored.set(row.subscriptionId, ids);
    }
    for (const subscription of page.data) {
      expected.add(subscription.id);
      expectedItems += subscription.items.length;
      if (sorted(mirrored.get(subscription.id) ?? []) !== sorted(subscription.items)) {
        throw new Error(`Mirror differs from the emulator: the items of ${subscription.id}`);
      }
    }
    if (!page.has_more) break;
  }
  const rows = await dataSource.getRepository(StripeSubscription).find({ select: { id: true, deletedAt: true } });
  const live = new Set(rows.filter((row) => row.deletedAt === null).map((row) => row.id));
  const missing = [...expected].filter((id) => !live.has(id));
  if (live.size !== expected.size || rows.length !== expected.size || missing.length > 0) {
    throw new Error(`Mirror differs from the emulator: ${live.size} live rows of ${rows.length}, ${expected.size} expected, ${missing.length} missing`);
  }
  const liveItems = await items.countBy({ deletedAt: IsNull() });
  if (liveItems !== expectedItems) throw new Error(`Mirror differs from the emulator: ${liveItems} live items, ${expectedItems} expected`);
}

function sorted(ids: string[]): string {
  return [...ids].sort().join(',');
}

async function subscriptionsWithMoreThanTenItems(dataSource: DataSource): Promise<number> {
  const [{ count }] = await dataSource.query(
    `SELECT COUNT(*) AS count FROM (SELECT subscription_id FROM stripe_subscription_items WHERE deleted_at IS NULL GROUP BY subscription_id HAVING COUNT(*) > 10) AS dense`,
  );
  return Number(count);
}

async function startEmulator(): Promise<{ url: string; process: ChildProcess }> {
  const cli = createRequire(import.meta.url).resolve('nestjs-stripe-sync-emulator').replace(/index\.js$/, 'emulator.cli.js');
  const args = ['--port', '0', '--seed', String(n), '--latency', values.latency!, '--jitter', values.jitter!, '--rate', String(rate)];
  // NODE_OPTIONS are meant for the measured process, not for the emulator standing in for Stripe.
  const env = { ...process.env, NODE_OPTIONS: '' };
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const [line] = await new Promise<string[]>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (first) => resolve([first]));
    child.once('exit', (code) => reject(new Error(`The emulator exited with ${code}`)));
  });
  return { url: JSON.parse(line).url, process: child };
}

interface EmulatorStats {
  total: number;
  rateLimited: number;
}

interface ItemIdsPage {
  data: { id: string; items: string[] }[];
  has_more: boolean;
}

async function control<T>(url: string, path: string): Promise<T> {
  const response = await fetch(`${url}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

async function freshDatabase(): Promise<{ kind: string; options: TypeOrmModuleOptions; drop(): Promise<void> }> {
  const common = { synchronize: true, autoLoadEntities: true } as const;
  if (process.env.DATABASE_URL) {
    const schema = `stripe_sync_bench_${Date.now()}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };
    await admin(`CREATE SCHEMA "${schema}"`);
    return {
      kind: 'postgres',
      options: {
        type: 'postgres',
        url: process.env.DATABASE_URL,
        schema,
        extra: { options: `-c search_path=${schema}`, application_name: schema },
        ...common,
      },
      // Ends the run's own connections first: on Ctrl-C they may still hold locks the drop would wait for.
      drop: () => admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${schema}'`).then(() => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 'stripe-sync-bench-'));
  return {
    kind: 'sqlite',
    options: { type: 'better-sqlite3', driver: Database, database: join(directory, 'mirror.sqlite'), ...common },
    drop: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

void (values['measure-at'] ? measureOne(values['measure-at']) : main()).catch((error: unknown) => {
  if (!interrupted) console.error(error);
  process.exitCode = 1;
});
