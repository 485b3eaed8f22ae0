/**
 * Full-sync benchmark: `npm run bench -- [--mode test|live] [--latency 500] [--jitter 200] [--runs 3] [--connect] …`
 * (every flag in README.md, "Benchmark").
 *
 * Starts the Stripe emulator in a process of its own, seeded with an account as real ones are (or with connected
 * accounts too), with Stripe's latency and rate limit; then, in a fresh process and a fresh database each time,
 * runs `StripeSyncService.syncAll()` with the module's defaults for the key, checks the mirror against the
 * emulator, and prints one JSON line per type and one for the whole run (and with `--runs` above 1, one of the
 * medians). The database is PostgreSQL or MySQL/MariaDB as DATABASE_URL says, or else a fresh SQLite file.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { type BuiltInObjectName, StripeSyncModule, StripeSyncRun, StripeSyncService, StripeSyncSlice } from 'nestjs-stripe-sync';
import pg from 'pg';
import { DataSource, In } from 'typeorm';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'test' },
    latency: { type: 'string', default: '500' },
    jitter: { type: 'string', default: '200' },
    // The emulator's limit; default Stripe's for the mode (25 test, 100 live).
    rate: { type: 'string' },
    // The module's requestsPerSecond; default its own for the key (20 test, 80 live).
    pace: { type: 'string' },
    objects: { type: 'string' },
    subscriptions: { type: 'string', default: '20000' },
    customers: { type: 'string' },
    'invoices-per-subscription': { type: 'string', default: '3' },
    'max-items': { type: 'string', default: '3' },
    'dense-share': { type: 'string', default: '0.01' },
    // The earlier benchmark: subscriptions only, of 1 to 15 items, without invoices.
    'subscriptions-only': { type: 'boolean', default: false },
    connect: { type: 'boolean', default: false },
    // Measures a second full sync, over the mirror a first one filled: the scheduled reconciliation's cost.
    resync: { type: 'boolean', default: false },
    accounts: { type: 'string', default: '1000' },
    'account-subscriptions': { type: 'string', default: '20' },
    'account-customers': { type: 'string', default: '20' },
    runs: { type: 'string', default: '1' },
    // Internal: one measurement against a running emulator, in a process of its own.
    'measure-at': { type: 'string' },
    'emulator-pid': { type: 'string' },
    'platform-id': { type: 'string' },
  },
});

const mode = values.mode === 'live' ? 'live' : 'test';
if (values.mode !== mode) throw new Error('--mode must be test or live');
const apiKey = `sk_${mode}_benchmark`;
const pace = Number(values.pace ?? (mode === 'live' ? 80 : 20));
const oldShape = values['subscriptions-only'];
const objects = (values.objects?.split(',') ?? (oldShape ? ['subscription'] : undefined)) as BuiltInObjectName[] | undefined;

/** Dropped on Ctrl-C or SIGTERM too, so an interrupted benchmark leaves no schema, database or file behind. */
let databaseInUse: { drop(): Promise<void> } | null = null;
/** Set on Ctrl-C or SIGTERM: the run then fails as its database goes, which is not worth reporting. */
let interrupted = false;

interface RunLine {
  type: string;
  objects: number;
  seconds: number;
  requests: number;
  requestsFloor: number;
  boundSeconds: number;
  ratioToBound: number;
  [more: string]: unknown;
}

/** Starts the emulator, then measures `--runs` times, each in a fresh process, and prints the medians. */
async function main() {
  const emulator = await startEmulator();
  let measuring: ChildProcess | null = null;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      emulator.process.kill('SIGTERM');
      measuring?.kill('SIGTERM');
    });
  }
  const wholeRuns: RunLine[] = [];
  try {
    for (let run = 0; run < Number(values.runs); run++) {
      const args = [
        ...[...process.execArgv, process.argv[1], ...process.argv.slice(2)],
        ...['--measure-at', emulator.url, '--emulator-pid', String(emulator.process.pid), '--platform-id', emulator.platformId],
      ];
      measuring = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      createInterface({ input: measuring.stdout! }).on('line', (line) => {
        console.log(line);
        const parsed = JSON.parse(line) as RunLine;
        if (parsed.type === 'all') wholeRuns.push(parsed);
      });
      const code = await new Promise<number | null>((resolve) => measuring!.once('exit', resolve));
      if (code !== 0) throw new Error(`Measurement ${run + 1} exited with ${code}`);
    }
    if (wholeRuns.length > 1) console.log(JSON.stringify(medians(wholeRuns)));
  } finally {
    emulator.process.kill('SIGTERM');
  }
}

/** The median of each figure of the whole-run lines. */
function medians(runs: RunLine[]) {
  const median = (pick: (run: RunLine) => number) => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const cpu = (run: RunLine) => run.cpuSeconds as Record<'library' | 'database' | 'emulator', number>;
  return {
    type: 'median',
    runs: runs.length,
    seconds: median((run) => run.seconds),
    ratioToBound: median((run) => run.ratioToBound),
    requests: median((run) => run.requests),
    requestsFloor: runs[0].requestsFloor,
    slices: median((run) => run.slices as number),
    peakRssMb: median((run) => run.peakRssMb as number),
    cpuSeconds: {
      library: median((run) => cpu(run).library),
      database: median((run) => cpu(run).database),
      emulator: median((run) => cpu(run).emulator),
    },
  };
}

async function startEmulator(): Promise<{ url: string; platformId: string; process: ChildProcess }> {
  const cli = createRequire(import.meta.url)
    .resolve('nestjs-stripe-sync-emulator')
    .replace(/index\.js$/, 'emulator.cli.js');
  const subscriptions = values.subscriptions;
  const shape = oldShape
    ? ['--max-items', '15', '--max-invoices', '0']
    : [
        ...['--max-items', values['max-items'], '--dense-share', values['dense-share']],
        ...['--min-invoices', values['invoices-per-subscription'], '--max-invoices', values['invoices-per-subscription']],
        ...['--customers', values.customers ?? subscriptions],
      ];
  const connect = values.connect
    ? [
        '--connect-accounts',
        values.accounts,
        '--account-subscriptions',
        values['account-subscriptions'],
        '--account-customers',
        values['account-customers'],
      ]
    : [];
  const rate = values.rate ?? (mode === 'live' ? '100' : '25');
  const args = [
    '--port',
    '0',
    '--seed',
    subscriptions,
    ...shape,
    ...connect,
    '--latency',
    values.latency,
    '--jitter',
    values.jitter,
    '--rate',
    rate,
  ];
  // NODE_OPTIONS are meant for the measured process, not for the emulator standing in for Stripe.
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const [line] = await new Promise<string[]>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (first) => resolve([first]));
    child.once('exit', (code) => reject(new Error(`The emulator exited with ${code}`)));
  });
  const { url, platformAccountId } = JSON.parse(line) as { url: string; platformAccountId: string };
  return { url, platformId: platformAccountId, process: child };
}

/** One full sync of the whole account into a fresh database, checked against the emulator; prints its lines. */
async function measure(url: string) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      void Promise.resolve(databaseInUse?.drop())
        .catch((error: unknown) => console.error(error))
        .finally(() => process.exit(1));
    });
  }
  const creating = freshDatabase();
  // Registered before it exists, so that a signal while it is being created still drops it.
  databaseInUse = { drop: () => creating.then((database) => database.drop()) };
  const database = await creating;
  const { hostname, port } = new URL(url);
  @Module({
    imports: [
      TypeOrmModule.forRoot(database.options),
      StripeSyncModule.forRoot({
        apiKey,
        stripe: { host: hostname, port: Number(port), protocol: 'http' },
        schedule: false,
        requestsPerSecond: pace,
        ...(values.connect && { connect: { accounts: 'all' } }),
        ...(objects && { objects }),
      }),
    ],
  })
  class BenchModule {}

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
  if (values.resync) await app.get(StripeSyncService).syncAll();
  const memory = watchMemory();
  try {
    const mirror = app.get(StripeSyncService);
    const emulatorPid = Number(values['emulator-pid']);
    const before = {
      stats: await control<EmulatorStats>(url, '/_emulator/stats'),
      cpu: process.cpuUsage(),
      database: databaseCpu(database.kind),
      emulator: processCpu(emulatorPid),
    };
    const started = performance.now();
    const summary = await mirror.syncAll();
    const seconds = (performance.now() - started) / 1000;
    const after = {
      stats: await control<EmulatorStats>(url, '/_emulator/stats'),
      cpu: process.cpuUsage(before.cpu),
      database: databaseCpu(database.kind),
      emulator: processCpu(emulatorPid),
    };
    const { peakRssMb, peakLiveHeapMb } = memory.stop();

    const dataSource = app.get(DataSource);
    const expected = await expectedCounts(url, mirror);
    await checkMirror(url, dataSource, mirror, expected);
    const lines = await typeLines(dataSource, mirror, summary.runId, expected);
    for (const line of lines) console.log(JSON.stringify(line));
    const objectsSeen = lines.reduce((sum, line) => sum + line.objects, 0);
    const requestsFloor = lines.reduce((sum, line) => sum + line.requestsFloor, 0);
    const cpuSeconds = {
      library: round((after.cpu.user + after.cpu.system) / 1e6),
      database: database.kind === 'sqlite' ? 0 : round(after.database - before.database),
      emulator: round(after.emulator - before.emulator),
    };
    console.log(
      JSON.stringify({
        type: 'all',
        objects: objectsSeen,
        seconds: round(seconds),
        requests: after.stats.total - before.stats.total,
        requestsFloor,
        slices: lines.reduce((sum, line) => sum + (line.slices as number), 0),
        boundSeconds: round(requestsFloor / pace),
        ratioToBound: round(requestsFloor / pace / seconds),
        rateLimited: after.stats.rateLimited - before.stats.rateLimited,
        peakRssMb,
        peakLiveHeapMb,
        cpuSeconds,
        // SQLite writes in the library's process: its cost is in `library`.
        cpuPer1000Objects: {
          library: round((cpuSeconds.library * 1000) / objectsSeen, 3),
          database: round((cpuSeconds.database * 1000) / objectsSeen, 3),
        },
        db: database.kind,
        mode,
        pace,
        latencyMs: `${values.latency}±${values.jitter}`,
        accounts: values.connect ? Number(values.accounts) : 0,
        resync: values.resync,
      }),
    );
  } finally {
    memory.stop();
    await app.close();
    databaseInUse = null;
    await database.drop();
  }
}

/** Peak RSS, and the largest heap left after a full collection (what the run keeps alive; the rest is V8's slack). */
function watchMemory() {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  let peakLiveHeap = 0;
  const collections = new PerformanceObserver((list) => {
    const entries = list.getEntries() as { detail?: { kind?: number } }[];
    if (entries.some((entry) => entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) {
      peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
    }
  });
  collections.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      clearInterval(sampler);
      collections.disconnect();
      // null when the run was too short for a full collection.
      return { peakRssMb: Math.round(peakRss / 2 ** 20), peakLiveHeapMb: peakLiveHeap > 0 ? Math.round(peakLiveHeap / 2 ** 20) : null };
    },
  };
}

/** Objects of each mirrored type in each account (null: the platform), as the emulator's lists serve them. */
type Counts = Map<string, Map<string | null, number>>;

async function expectedCounts(url: string, mirror: StripeSyncService): Promise<Counts> {
  const counts: Counts = new Map(mirror.actions.map((action) => [action.objectName, new Map()]));
  const accounts = values.connect ? await allIds(url, '/_emulator/accounts/ids?') : [];
  for (const account of [null, ...accounts]) {
    const stats = await control<EmulatorStats>(url, `/_emulator/stats${account ? `?account=${account}` : ''}`);
    for (const [type, ofType] of counts) {
      if (type === 'account') {
        if (account === null) ofType.set(null, accounts.length);
      } else {
        ofType.set(account, stats.objects[type] ?? 0);
      }
    }
  }
  return counts;
}

/**
 * The mirror holds what the emulator serves, none soft-deleted: the same number of rows of each type in each
 * account, the very ids of the platform's objects, and the ids of every platform subscription's items.
 */
async function checkMirror(url: string, dataSource: DataSource, mirror: StripeSyncService, expected: Counts) {
  // The platform's own rows carry its id with Connect, none without.
  const platformId = values.connect ? values['platform-id']! : null;
  for (const action of mirror.actions) {
    const table = dataSource.getMetadata(action.definition.entity).tableName;
    const rows: { account: string | null; count: string }[] = await dataSource.query(
      `SELECT account_id AS account, COUNT(*) AS count FROM ${table} WHERE deleted_at IS NULL GROUP BY account_id`,
    );
    const mirrored = new Map(rows.map((row) => [row.account === platformId ? null : row.account, Number(row.count)]));
    for (const [account, count] of expected.get(action.objectName)!) {
      if ((mirrored.get(account) ?? 0) !== count) {
        throw new Error(
          `Mirror differs from the emulator: ${mirrored.get(account) ?? 0} ${action.objectName}s of ${account ?? 'the platform'}, ${count} expected`,
        );
      }
    }
    if (action.objectName === 'account') continue;
    const ids = new Set(await allIds(url, `/_emulator/objects/ids?type=${action.objectName}&`));
    const live: { id: string }[] = await dataSource.query(
      `SELECT id FROM ${table} WHERE deleted_at IS NULL AND ${platformId ? `account_id = '${platformId}'` : 'account_id IS NULL'}`,
    );
    if (live.length !== ids.size || live.some((row) => !ids.has(row.id)))
      throw new Error(`Mirror differs from the emulator: the platform's ${action.objectName}s`);
  }
  if (!mirror.action('subscription')) return;
  for (let offset = 0; ; offset += 10_000) {
    const page = await control<{ data: { id: string; items: string[] }[]; has_more: boolean }>(
      url,
      `/_emulator/subscriptions/items?offset=${offset}&limit=10000`,
    );
    const expectedItems = new Map(page.data.map((subscription) => [subscription.id, [...subscription.items].sort().join()]));
    const rows: { id: string; subscription_id: string }[] = await dataSource.query(
      `SELECT id, subscription_id FROM stripe_subscription_items WHERE deleted_at IS NULL AND subscription_id IN (${page.data.map((s) => `'${s.id}'`).join()})`,
    );
    const mirrored = new Map<string, string[]>();
    for (const row of rows) mirrored.set(row.subscription_id, [...(mirrored.get(row.subscription_id) ?? []), row.id]);
    for (const [id, items] of expectedItems) {
      if ((mirrored.get(id) ?? []).sort().join() !== items) throw new Error(`Mirror differs from the emulator: the items of ${id}`);
    }
    if (!page.has_more) break;
  }
}

/** Parents whose children Stripe embeds only the first 10 of: each costs one list request more. */
const DENSE_PARENTS: Record<string, { table: string; parent: string }> = {
  subscription: { table: 'stripe_subscription_items', parent: 'subscription_id' },
  invoice: { table: 'stripe_invoice_line_items', parent: 'invoice_id' },
};

/** One line per type: its runs of every account added up, from the run rows. */
async function typeLines(dataSource: DataSource, mirror: StripeSyncService, runId: string, expected: Counts): Promise<RunLine[]> {
  const runs = await dataSource.getRepository(StripeSyncRun).findBy({ parentRunId: runId });
  const slices = dataSource.getRepository(StripeSyncSlice);
  const lines: RunLine[] = [];
  for (const action of mirror.actions) {
    const ofType = runs.filter((run) => run.object === action.objectName);
    if (ofType.length === 0) continue;
    const dense = DENSE_PARENTS[action.objectName];
    const [{ count }] = dense
      ? await dataSource.query(
          `SELECT COUNT(*) AS count FROM (SELECT ${dense.parent} FROM ${dense.table} GROUP BY ${dense.parent} HAVING COUNT(*) > 10) AS dense`,
        )
      : [{ count: 0 }];
    const requestsFloor =
      [...expected.get(action.objectName)!.values()].reduce((sum, objects) => sum + Math.max(1, Math.ceil(objects / 100)), 0) +
      Number(count);
    const seconds =
      (Math.max(...ofType.map((run) => run.finishedAt!.getTime())) - Math.min(...ofType.map((run) => run.startedAt.getTime()))) / 1000;
    lines.push({
      type: action.objectName,
      objects: ofType.reduce((sum, run) => sum + run.seen, 0),
      seconds: round(seconds),
      requests: ofType.reduce((sum, run) => sum + run.requests, 0),
      requestsFloor,
      // The issue's allowance: the floor plus one request per slice.
      slices: await slices.countBy({ runId: In(ofType.map((run) => run.id)) }),
      boundSeconds: round(requestsFloor / pace),
      // Types run at once, sharing the pace: a type's own ratio is below the whole run's.
      ratioToBound: round(requestsFloor / pace / seconds),
    });
  }
  return lines;
}

async function allIds(url: string, path: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 10_000) {
    const page = await control<{ data: string[]; has_more: boolean }>(url, `${path}offset=${offset}&limit=10000`);
    ids.push(...page.data);
    if (!page.has_more) return ids;
  }
}

interface EmulatorStats {
  total: number;
  rateLimited: number;
  objects: Record<string, number>;
}

async function control<T>(url: string, path: string): Promise<T> {
  const response = await fetch(`${url}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used so far, from /proc (0 where there is none). */
function processCpu(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime: fields 14 and 15 of the line, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of every process of the database server on this machine (it runs here in the benchmark). */
function databaseCpu(kind: string): number {
  const names = kind === 'postgres' ? ['postgres'] : kind === 'mysql' ? ['mariadbd', 'mysqld'] : [];
  let total = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (names.includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim())) total += processCpu(Number(pid));
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

async function freshDatabase(): Promise<{ kind: string; options: TypeOrmModuleOptions; drop(): Promise<void> }> {
  const common = { synchronize: true, autoLoadEntities: true } as const;
  const name = `stripe_sync_bench_${Date.now()}`;
  const url = process.env.DATABASE_URL;
  if (url?.startsWith('postgres')) {
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };
    await admin(`CREATE SCHEMA "${name}"`);
    return {
      kind: 'postgres',
      options: { type: 'postgres', url, schema: name, extra: { options: `-c search_path=${name}`, application_name: name }, ...common },
      // Ends the run's own connections first: on Ctrl-C they may still hold locks the drop would wait for.
      drop: () =>
        admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${name}'`).then(() =>
          admin(`DROP SCHEMA IF EXISTS "${name}" CASCADE`),
        ),
    };
  }
  if (url?.startsWith('mysql') || url?.startsWith('mariadb')) {
    const admin = async (sql: string) => {
      const connection = await mysql.createConnection({ uri: url.replace(/^mariadb:/, 'mysql:') });
      try {
        return (await connection.query(sql))[0] as { version?: string }[];
      } finally {
        await connection.end();
      }
    };
    const [{ version }] = await admin('SELECT VERSION() AS version');
    await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
    const database = new URL(url.replace(/^mariadb:/, 'mysql:'));
    database.pathname = `/${name}`;
    return {
      kind: 'mysql',
      options: { type: version!.includes('MariaDB') ? 'mariadb' : 'mysql', url: database.href, timezone: 'Z', ...common },
      drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``).then(() => undefined),
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 'stripe-sync-bench-'));
  return {
    kind: 'sqlite',
    options: { type: 'better-sqlite3', driver: Database, database: join(directory, 'mirror.sqlite'), ...common },
    drop: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

function round(value: number, digits = 2): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

void (values['measure-at'] ? measure(values['measure-at']) : main()).catch((error: unknown) => {
  if (!interrupted) console.error(error);
  process.exitCode = 1;
});
