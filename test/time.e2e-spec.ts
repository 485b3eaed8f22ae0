import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { StripeSubscription, StripeSubscriptionItem, StripeSyncLock, SyncAlreadyRunningError } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { createTestApp, type TestApp } from './support/app.js';
import { startChildApp } from './support/child-app.js';
import { createTestDatabase, epochSeconds, testDatabases } from './support/databases.js';

const databases = await testDatabases();
const seconds = (iso: string) => Date.parse(iso) / 1000;
/** Above one page: the rows of full pages go through the upsert each dialect prepares, the rest through a plain one. */
const SEEDED = 130;

describe.each(databases)('times on %s', (database) => {
  let emulator: StripeEmulator;
  const apps: TestApp[] = [];
  const open = async (setup: Partial<Parameters<typeof createTestApp>[0]> = {}) => {
    const app = await createTestApp({ database, emulator, ...setup });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: SEEDED, seed: 12 } });
  });
  afterAll(() => emulator.stop());
  const closeApps = async () => {
    for (const app of apps.splice(0).reverse()) await app.close();
  };
  afterEach(async () => {
    emulator.clearFaults();
    await closeApps();
  });

  it('stores each time as the instant Stripe sent, as SQL reads it, while the app runs in a zone that is not UTC', async () => {
    expect(new Date(0).getTimezoneOffset()).not.toBe(0);
    const t = await open();
    await t.subscriptions.syncAll();

    const table = (entity: object) => t.dataSource.getMetadata(entity as typeof StripeSubscription).tablePath;
    const subscriptions: { id: string; created: string; startDate: string }[] = await t.dataSource.query(
      `SELECT id, ${epochSeconds(database, 'created')} AS created, ${epochSeconds(database, 'start_date')} AS "startDate" FROM ${table(StripeSubscription)}`,
    );
    const items: { id: string; subscriptionId: string; periodEnd: string }[] = await t.dataSource.query(
      `SELECT id, subscription_id AS "subscriptionId", ${epochSeconds(database, 'current_period_end')} AS "periodEnd" FROM ${table(StripeSubscriptionItem)}`,
    );

    expect(subscriptions).toHaveLength(SEEDED);
    for (const row of subscriptions) {
      const stripe = emulator.getSubscription(row.id)!;
      expect({ id: row.id, created: Number(row.created), startDate: Number(row.startDate) }).toEqual({
        id: row.id,
        created: stripe.created,
        startDate: stripe.start_date,
      });
    }
    for (const row of items) {
      const stripe = emulator.getSubscription(row.subscriptionId)!.items.data.find((item) => item.id === row.id)!;
      expect({ id: row.id, periodEnd: Number(row.periodEnd) }).toEqual({ id: row.id, periodEnd: stripe.current_period_end });
    }
  });

  // The zone of a process is fixed when it starts: the other instances run in processes of their own.
  it('keeps writes in order across the repeated hour of a daylight-saving change, and the sweep deletes nothing live', async () => {
    const db = await createTestDatabase(database, { sqliteFile: true });
    try {
      const t = await open({ shared: db });
      const subscription = emulator.getSubscription(emulator.listSubscriptionIds()[0])!;
      // New York, 1 November 2026: 01:40 EDT, then 01:20 EST, forty minutes later; then the sweep of a full sync
      // that started at 01:50 EDT, before the row was last seen.
      const newYork = startChildApp({
        db,
        emulator,
        zone: 'America/New_York',
        steps: [
          { event: { object: { ...subscription, metadata: { at: '01:40 EDT' } }, created: seconds('2026-11-01T05:40:00Z') } },
          { event: { object: { ...subscription, metadata: { at: '01:20 EST' } }, created: seconds('2026-11-01T06:20:00Z') } },
          { sweep: { before: '2026-11-01T05:50:00Z' } },
        ],
      });

      expect(await newYork.results).toEqual(['applied', 'applied', 0]);
      const row = await t.dataSource.getRepository(StripeSubscription).findOneByOrFail({ id: subscription.id });
      expect(row).toMatchObject({ metadata: { at: '01:20 EST' }, deletedAt: null, observedAt: new Date('2026-11-01T06:20:00.999Z') });
    } finally {
      await closeApps();
      await db.drop();
    }
  });

  it('honours the lease of an instance in another time zone', async () => {
    const db = await createTestDatabase(database, { sqliteFile: true });
    try {
      const kolkata = await open({ shared: db });
      emulator.injectFault({ route: 'GET /v1/subscriptions', delayMs: 500, times: 2 });
      const newYork = startChildApp({ db, emulator, zone: 'America/New_York' });
      const locks = kolkata.dataSource.getRepository(StripeSyncLock);
      while ((await locks.count()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));

      await expect(kolkata.subscriptions.startSyncAll()).rejects.toThrow(SyncAlreadyRunningError);
      expect(await newYork.results).toMatchObject([{ seen: SEEDED }]);
    } finally {
      await closeApps();
      await db.drop();
    }
  });

  if (database === 'mysql') {
    it('refuses to start on a MySQL connection that would not write UTC', async () => {
      const db = await createTestDatabase(database);
      try {
        const local = { ...db, options: { ...db.options, timezone: 'local' } };
        await expect(open({ shared: local })).rejects.toThrow(/must write dates in UTC: set timezone: 'Z'.*"local"/);
      } finally {
        await db.drop();
      }
    });
  }

  if (database === 'postgres') {
    it('refuses to start while a timestamp column is still without time zone, naming the migration to run', async () => {
      const db = await createTestDatabase(database);
      try {
        const t = await open({ shared: db });
        const table = t.dataSource.getMetadata(StripeSubscription).tablePath;
        await t.dataSource.query(`ALTER TABLE ${table} ALTER COLUMN observed_at TYPE timestamp(3) without time zone`);

        const stale = { ...db, options: { ...db.options, synchronize: false } };
        await expect(open({ shared: stale })).rejects.toThrow(
          /stripe_subscriptions\.observed_at is "timestamp without time zone": run the module's migrations/,
        );
      } finally {
        await closeApps();
        await db.drop();
      }
    });
  }
});
