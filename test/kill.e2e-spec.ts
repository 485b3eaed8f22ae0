import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StripeSubscription, StripeSubscriptionItem, StripeSyncLock, StripeSyncRun } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { IsNull } from 'typeorm';
import { createTestApp, type TestDatabase } from './support/app.js';
import { startChildApp } from './support/child-app.js';
import { createTestDatabase, testDatabases, type TestDatabaseKind } from './support/databases.js';

/** The killed process and its successor share a database: SQLite in memory cannot be shared. */
const shared = (await testDatabases()).filter((kind): kind is Exclude<TestDatabaseKind, 'sqlite'> => kind !== 'sqlite');
const SEEDED = 800;

describe.each(shared)('an app process killed with SIGKILL mid-run, on %s', (database) => {
  let emulator: StripeEmulator;
  let db: TestDatabase;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: SEEDED, seed: 44 } });
    db = await createTestDatabase(database);
  });
  afterAll(async () => {
    await db?.drop();
    await emulator?.stop();
  });

  it('is resumed by the next instance, which ends equal to Stripe', async () => {
    // The first instance creates the tables; the child then runs without synchronize.
    const successor = await createTestApp({ database, shared: db, emulator });
    try {
      emulator.injectFault({ route: 'GET /v1/subscriptions', delayMs: 300, after: 2, times: 20 });
      const child = startChildApp({ db, emulator });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.process.once('exit', (_code, signal) => resolve(signal)));
      const runs = successor.dataSource.getRepository(StripeSyncRun);
      const deadline = Date.now() + 20_000;
      while (((await runs.findOne({ where: {} }))?.seen ?? 0) === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.process.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const killed = await runs.findOneOrFail({ where: {} });
      expect(killed.status).toBe('running');
      expect(killed.seen).toBeGreaterThan(0);
      expect(killed.seen).toBeLessThan(SEEDED);

      await successor.dataSource
        .getRepository(StripeSyncLock)
        .update({ name: 'sync-all:subscription' }, { expiresAt: new Date(Date.now() - 1000) });
      const resumed = await successor.subscriptions.syncAll();

      expect(resumed).toMatchObject({ runId: killed.id, seen: SEEDED, softDeleted: 0 });
      expect(await successor.dataSource.getRepository(StripeSubscription).countBy({ deletedAt: IsNull() })).toBe(SEEDED);
      const items = emulator.listSubscriptionIds().reduce((sum, id) => sum + emulator.getSubscription(id)!.items.data.length, 0);
      expect(await successor.dataSource.getRepository(StripeSubscriptionItem).countBy({ deletedAt: IsNull() })).toBe(items);
    } finally {
      await successor.close();
    }
  });
});
