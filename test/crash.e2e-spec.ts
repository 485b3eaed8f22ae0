import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StripeSubscription, StripeSubscriptionItem, StripeSyncLock, StripeSyncRun } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { IsNull } from 'typeorm';
import { createTestApp, type TestApp, type TestDatabase } from './support/app.js';
import { createTestDatabase, POSTGRES_URL, query, testDatabases, type TestDatabaseKind } from './support/databases.js';

/** The instance that dies and the one that takes over share a database: SQLite in memory cannot be shared. */
const shared = (await testDatabases()).filter((kind): kind is Exclude<TestDatabaseKind, 'sqlite'> => kind !== 'sqlite');
const SEEDED = 800;

describe.each(shared)('a full sync whose database connection dies mid-run, on %s', (database) => {
  let emulator: StripeEmulator;
  let db: TestDatabase;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: SEEDED, seed: 33 } });
    db = await createTestDatabase(database);
  });
  afterAll(async () => {
    await db.drop();
    await emulator.stop();
  });

  it('leaves no half-written page, and the next instance resumes the run and ends equal to Stripe', async () => {
    const doomed = await createTestApp({ database, shared: db, emulator, options: { parallelism: 2 } });
    const { running } = await startSlowRun(doomed, emulator);

    // What the process leaves when it dies: its connection gone, its run marked running, its lease held.
    await doomed.dataSource.destroy();
    await expect(running).rejects.toThrow();
    await doomed.app.close().catch(() => undefined);

    const successor = await createTestApp({ database, shared: db, emulator });
    try {
      const run = await successor.dataSource.getRepository(StripeSyncRun).findOneOrFail({ where: {} });
      expect(run.seen).toBeLessThan(SEEDED);
      await expectWholePages(successor, emulator);

      // The dead instance's lease expires.
      await successor.dataSource
        .getRepository(StripeSyncLock)
        .update({ name: 'sync-all:subscription' }, { expiresAt: new Date(Date.now() - 1000) });
      const resumed = await successor.subscriptions.syncAll();

      expect(resumed.runId).toBe(run.id);
      expect(resumed.seen).toBe(SEEDED);
      await expectEqualToStripe(successor, emulator);
    } finally {
      await successor.close();
    }
  });
});

describe.each(shared.filter((kind) => kind === 'postgres'))(
  'a full sync whose database stops answering mid-run and comes back, on %s',
  () => {
    it('fails without half-written pages, and the same instance resumes the run once the database is back', async () => {
      const emulator = await StripeEmulator.start({ seed: { subscriptions: SEEDED, seed: 35 } });
      // A database of its own, so that it can refuse connections while the server goes on serving the others.
      const name = `stripe_sync_outage_${process.pid}`;
      await query('postgres', `CREATE DATABASE ${name}`);
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${name}`;
      const db: TestDatabase = {
        options: { type: 'postgres', url: url.href, synchronize: true, autoLoadEntities: true },
        drop: async () => undefined,
      };
      const t = await createTestApp({ database: 'postgres', shared: db, emulator, options: { parallelism: 2 } });
      try {
        const { running } = await startSlowRun(t, emulator);

        // What a database restart or failover looks like from the app: every connection cut, new ones refused.
        await query('postgres', `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await query('postgres', `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
        await expect(running).rejects.toThrow();
        await query('postgres', `ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);

        const run = await t.dataSource.getRepository(StripeSyncRun).findOneOrFail({ where: {} });
        expect(run.seen).toBeLessThan(SEEDED);
        await expectWholePages(t, emulator);

        const resumed = await t.subscriptions.syncAll();

        expect(resumed.runId).toBe(run.id);
        expect(resumed.seen).toBe(SEEDED);
        await expectEqualToStripe(t, emulator);
      } finally {
        await t.close();
        await query('postgres', `DROP DATABASE ${name} WITH (FORCE)`);
        await emulator.stop();
      }
    });
  },
);

/** Starts a full sync whose list pages after the first two are slow, and waits until it has written a page. */
async function startSlowRun(t: TestApp, emulator: StripeEmulator): Promise<{ running: Promise<unknown> }> {
  emulator.injectFault({ route: 'GET /v1/subscriptions', delayMs: 300, after: 2, times: 20 });
  const running = t.subscriptions.syncAll();
  running.catch(() => undefined);
  const runs = t.dataSource.getRepository(StripeSyncRun);
  while (((await runs.findOne({ where: {} }))?.seen ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  // Wrapped: an async function returning the promise itself would wait for the run to end.
  return { running };
}

/** Every written page is whole: each mirrored subscription has all its items. */
async function expectWholePages(t: TestApp, emulator: StripeEmulator) {
  const items = t.dataSource.getRepository(StripeSubscriptionItem);
  for (const row of await t.dataSource.getRepository(StripeSubscription).find()) {
    expect(await items.countBy({ subscriptionId: row.id })).toBe(emulator.getSubscription(row.id)!.items.data.length);
  }
}

/** The mirror holds every subscription and item of the emulator, none soft-deleted. */
async function expectEqualToStripe(t: TestApp, emulator: StripeEmulator) {
  expect(await t.dataSource.getRepository(StripeSubscription).countBy({ deletedAt: IsNull() })).toBe(SEEDED);
  const totalItems = emulator.listSubscriptionIds().reduce((sum, id) => sum + emulator.getSubscription(id)!.items.data.length, 0);
  expect(await t.dataSource.getRepository(StripeSubscriptionItem).countBy({ deletedAt: IsNull() })).toBe(totalItems);
}
