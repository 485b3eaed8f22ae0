import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { StripeSubscription, StripeSubscriptionItem, StripeSyncRun, StripeSyncSlice } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { type EntitySubscriberInterface, IsNull } from 'typeorm';
import { ADMIN_TOKEN, createTestApp, type TestApp } from './support/app.js';
import { testDatabases } from './support/databases.js';
import { loadFixture } from './support/fixtures.js';
import { CapturingLogger } from './support/logs.js';

const databases = await testDatabases();
const SEEDED = 700;
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(databases)('full sync backfill on %s', (database) => {
  let emulator: StripeEmulator;
  let apps: TestApp[] = [];

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: SEEDED, seed: 21, now: 1_790_000_000 } });
  });
  afterAll(() => emulator.stop());
  afterEach(async () => {
    emulator.clearFaults();
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
  });

  async function app(parallelism: number) {
    const created = await createTestApp({ database, emulator, options: { parallelism } });
    apps.push(created);
    return created;
  }

  const withMoreThanTenItems = () =>
    emulator.listSubscriptionIds().filter((id) => emulator.getSubscription(id)!.items.data.length > 10).length;

  async function mirrorOf(t: TestApp) {
    const subscriptions = await t.dataSource
      .getRepository(StripeSubscription)
      .find({ where: { deletedAt: IsNull() }, order: { id: 'ASC' } });
    const items = await t.dataSource.getRepository(StripeSubscriptionItem).find({ where: { deletedAt: IsNull() }, order: { id: 'ASC' } });
    const strip = <T extends { syncedAt: Date; observedAt: Date }>({ syncedAt: _s, observedAt: _o, ...rest }: T) => rest;
    return { subscriptions: subscriptions.map(strip), items: items.map(strip) };
  }

  it('pages slices in parallel to the same mirror as one sequential pass, with no object missed or counted twice', async () => {
    const sequential = await app(1);
    const parallel = await app(6);

    emulator.resetStats();
    const one = await sequential.subscriptions.syncAll();
    const sequentialRequests = emulator.stats.total;
    emulator.resetStats();
    const many = await parallel.subscriptions.syncAll();

    expect(one).toMatchObject({ seen: SEEDED, inserted: SEEDED, softDeleted: 0 });
    expect(many).toMatchObject({ seen: SEEDED, inserted: SEEDED, softDeleted: 0 });
    expect(await mirrorOf(parallel)).toEqual(await mirrorOf(sequential));

    const slices = await parallel.dataSource.getRepository(StripeSyncSlice).findBy({ runId: many.runId });
    expect(slices.length).toBeGreaterThan(1);
    expect(slices.every((slice) => slice.done)).toBe(true);
    expect(slices.reduce((sum, slice) => sum + slice.objects, 0)).toBe(SEEDED);
    const bound = Math.ceil(SEEDED / 100) + slices.length + withMoreThanTenItems();
    expect(emulator.stats.total).toBeLessThanOrEqual(bound);
    expect(many.requests).toBe(emulator.stats.total);
    expect(sequentialRequests).toBe(Math.ceil(SEEDED / 100) + withMoreThanTenItems());
  });

  it("asks for a slice's next page while the children of the page before are still being listed", async () => {
    // Two places in the budget: one for the page whose children are listed, one for the next page.
    const t = await app(2);
    emulator.injectFault({ route: 'GET /v1/subscription_items', delayMs: 1_500 });
    emulator.resetStats();
    const listed = (route: string) => emulator.stats.byRoute[`GET /v1/${route}`] ?? 0;

    const run = t.subscriptions.syncAll();
    while (listed('subscription_items') === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // The first page's children lists are made as it arrives; one of them answers 1.5 s late.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(listed('subscriptions')).toBe(2);

    await expect(run).resolves.toMatchObject({ seen: SEEDED, inserted: SEEDED });
  });

  // SQLite runs one transaction at a time whatever the option.
  (database === 'sqlite' ? it.skip : it)(
    'writes at most writeConcurrency pages at once, leaving the rest of the pool to the app',
    async () => {
      // Pages enough for eight slices under way.
      const larger = await StripeEmulator.start({ seed: { subscriptions: 2_000, seed: 22, now: 1_790_000_000 } });
      const peakOfOpenTransactions = async (writeConcurrency: number) => {
        const t = await createTestApp({ database, emulator: larger, options: { parallelism: 8, writeConcurrency } });
        apps.push(t);
        let open = 0;
        let peak = 0;
        // Each transaction is held open a little, so that pages written at the same time surely overlap.
        const counter: EntitySubscriberInterface = {
          afterTransactionStart: async () => {
            peak = Math.max(peak, ++open);
            await new Promise((resolve) => setTimeout(resolve, 100));
          },
          afterTransactionCommit: () => void open--,
          afterTransactionRollback: () => void open--,
        };
        t.dataSource.subscribers.push(counter);
        await expect(t.subscriptions.syncAll()).resolves.toMatchObject({ seen: 2_000 });
        return peak;
      };
      try {
        // Besides its pages, a run saves its totals every second in a transaction of its own.
        expect(await peakOfOpenTransactions(8)).toBeGreaterThan(2);
        expect(await peakOfOpenTransactions(1)).toBeLessThanOrEqual(2);
      } finally {
        await larger.stop();
      }
    },
  );

  it('resumes a failed run from its cursors, and only then soft-deletes what Stripe did not return', async () => {
    const t = await app(3);
    const [stranger] = loadFixture<object[]>('django-stripe-sync-batch.json');
    await t.subscriptions.syncBatch([stranger as never]);
    // The fourth list request fails (the test client does not retry): the run stops part-way.
    emulator.injectFault({ route: 'GET /v1/subscriptions', status: 500, after: 3, times: 1 });

    await expect(t.subscriptions.syncAll()).rejects.toThrow();
    const failed = await t.dataSource.getRepository(StripeSyncRun).findOneByOrFail({ status: 'failed' });
    expect(failed.seen).toBeGreaterThan(0);
    expect(failed.seen).toBeLessThan(SEEDED);
    expect(
      (await t.dataSource.getRepository(StripeSubscription).findOneByOrFail({ id: 'sub_1MowQVLkdIwHu7ixeRlqHVzs' })).deletedAt,
    ).toBeNull();

    emulator.resetStats();
    const resumed = await t.subscriptions.syncAll();

    expect(resumed.runId).toBe(failed.id);
    expect(resumed).toMatchObject({ seen: SEEDED, softDeleted: 1 });
    const slices = await t.dataSource.getRepository(StripeSyncSlice).countBy({ runId: failed.id });
    expect(emulator.stats.byRoute['GET /v1/subscriptions']).toBeLessThanOrEqual(Math.ceil((SEEDED - failed.seen) / 100) + slices);
    expect(
      (await t.dataSource.getRepository(StripeSubscription).findOneByOrFail({ id: 'sub_1MowQVLkdIwHu7ixeRlqHVzs' })).deletedAt,
    ).toBeInstanceOf(Date);
    expect(await t.dataSource.getRepository(StripeSubscription).countBy({ deletedAt: IsNull() })).toBe(SEEDED);
  });

  it('starts a run from the route and answers 202 at once; the runs routes show its progress', async () => {
    const t = await app(4);
    const started = await t.http.post('/stripe/subscriptions/sync-all').query({ wait: 'false' }).set(auth);
    expect(started.status).toBe(202);
    expect(started.body.runId).toMatch(/^[0-9a-f-]{36}$/);

    let run = (await t.http.get(`/stripe/sync-runs/${started.body.runId}`).set(auth).expect(200)).body;
    for (let i = 0; i < 100 && run.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      run = (await t.http.get(`/stripe/sync-runs/${started.body.runId}`).set(auth).expect(200)).body;
    }
    expect(run).toMatchObject({ status: 'completed', seen: SEEDED, object: 'subscription' });
    expect(run.slices.length).toBeGreaterThan(0);

    const list = await t.http.get('/stripe/sync-runs').set(auth).expect(200);
    expect(list.body.data.map((r: { id: string }) => r.id)).toContain(started.body.runId);
    await t.http.get('/stripe/sync-runs/not-a-uuid').set(auth).expect(400);
    await t.http.get('/stripe/sync-runs/00000000-0000-4000-8000-000000000000').set(auth).expect(404);
    await t.http.get('/stripe/sync-runs').expect(401);
  });
});

describe.each(databases.slice(0, 1))('full sync progress on %s', (database) => {
  it('logs its progress without a time left while the oldest range, whose start is unknown, is being paged', async () => {
    const emulator = await StripeEmulator.start({ seed: { subscriptions: SEEDED, seed: 23, now: 1_790_000_000 } });
    const logger = new CapturingLogger();
    const t = await createTestApp({ database, emulator, options: { parallelism: 1 }, configure: (app) => app.useLogger(logger) });
    try {
      // One slice paged one page at a time, slowly enough to log its progress (every 10 s) before it ends.
      emulator.injectFault({ route: 'GET /v1/subscriptions', delayMs: 1_700, times: 10 });
      await expect(t.subscriptions.syncAll()).resolves.toMatchObject({ seen: SEEDED });
      const progress = logger.lines.filter((line) => line.includes('Full sync of subscriptions:'));
      expect(progress.length).toBeGreaterThan(0);
      for (const line of progress) expect(line).not.toMatch(/s left/);
    } finally {
      await t.close();
      await emulator.stop();
    }
  }, 30_000);
});
