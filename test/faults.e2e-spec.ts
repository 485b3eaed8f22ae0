import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { StripeSubscription } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { IsNull } from 'typeorm';
import { ADMIN_TOKEN, API_KEY, createTestApp, type TestApp } from './support/app.js';
import { CapturingLogger } from './support/logs.js';
import { createTestDatabase, type TestDatabaseKind, testDatabases } from './support/databases.js';
import { signed, WEBHOOK_SECRET } from './support/events.js';
import { loadFixture } from './support/fixtures.js';

const databases = await testDatabases();
const SEEDED = 120;
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const live = (app: TestApp) => app.dataSource.getRepository(StripeSubscription).countBy({ deletedAt: IsNull() });

describe.each(databases)('faults on %s', (database) => {
  let emulator: StripeEmulator;
  let t: TestApp | undefined;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: SEEDED, seed: 17 } });
  });
  afterAll(() => emulator.stop());
  afterEach(async () => {
    emulator.setRateLimit(undefined);
    emulator.setFailures(undefined);
    await t?.close();
    t = undefined;
  });

  it('injects a rate limit far below the pace asked for: the governor slows down, retries every 429, and the run completes', async () => {
    t = await createTestApp({
      database,
      emulator,
      options: { requestsPerSecond: 40, stripe: { ...emulator.clientOptions(), maxNetworkRetries: 8 } },
    });
    emulator.setRateLimit({ perSecond: 8 });
    emulator.resetStats();

    const summary = await t.subscriptions.syncAll();

    expect(emulator.stats.rateLimited).toBeGreaterThan(0);
    expect(summary.seen).toBe(SEEDED);
    expect(await live(t)).toBe(SEEDED);
  });

  it('injects 500s and dropped connections on a share of requests: sync-all and sync-by-ids still complete', async () => {
    t = await createTestApp({ database, emulator, options: { stripe: { ...emulator.clientOptions(), maxNetworkRetries: 8 } } });
    emulator.setFailures({ errorShare: 0.15, dropShare: 0.1, seed: 4 });

    const summary = await t.subscriptions.syncAll();
    const ids = emulator.listSubscriptionIds().slice(0, 20);
    const byIds = await t.subscriptions.syncByIds(ids);

    expect(summary.seen).toBe(SEEDED);
    expect(await live(t)).toBe(SEEDED);
    expect(byIds).toEqual({ synced: ids, missing: [], failed: [] });
  });

  it('refuses a body over the JSON limit with 413 and writes nothing', async () => {
    t = await createTestApp({ database, emulator, options: { jsonBodyLimit: 100_000 } });
    const [subscription] = loadFixture<Record<string, unknown>[]>('django-stripe-sync-batch.json');
    const huge = { batch: [{ ...subscription, metadata: { padding: 'x'.repeat(200_000) } }] };
    const response = await t.http.post('/stripe/subscriptions/sync-batch').set(auth).send(huge);
    expect(response.status).toBe(413);
    expect(await live(t)).toBe(0);
  });

  it('never puts the Stripe key, the admin token or the webhook secret in logs or error bodies', async () => {
    const logger = new CapturingLogger();
    const locked = await StripeEmulator.start({ apiKeys: ['sk_test_some_other_key_entirely'], seed: 3 });
    try {
      t = await createTestApp({
        database,
        emulator: locked,
        options: { webhookSecret: WEBHOOK_SECRET },
        configure: (app) => app.useLogger(logger),
      });
      const bodies: string[] = [];
      const record = (response: { text: string }) => bodies.push(response.text);
      record(await t.http.post('/stripe/subscriptions/sync-all').set(auth));
      record(
        await t.http
          .post('/stripe/subscriptions/sync-by-ids')
          .set(auth)
          .send({ ids: ['sub_123'] }),
      );
      record(await t.http.get('/stripe/subscriptions').set('Authorization', `Bearer ${ADMIN_TOKEN.slice(0, -1)}`));
      const { payload } = signed({ id: 'evt_1', object: 'event' }, 'whsec_not_ours');
      record(
        await t.http
          .post('/stripe/webhook')
          .set('Stripe-Signature', `t=1,v1=${WEBHOOK_SECRET}`)
          .set('Content-Type', 'application/json')
          .send(payload),
      );
      await t.subscriptions.syncAll().catch(() => undefined);

      expect(bodies[0]).toContain('Invalid API Key');
      expect(logger.lines.join('\n')).toContain('Invalid API Key');
      for (const secret of [API_KEY, ADMIN_TOKEN, WEBHOOK_SECRET]) {
        for (const text of [...bodies, ...logger.lines]) expect(text).not.toContain(secret);
      }
    } finally {
      await locked.stop();
    }
  });
});

describe.each(databases.filter((kind) => kind === 'postgres'))('a pooler that loses prepared statements, on %s', (database) => {
  it('stops preparing the upserts, writes the page again unprepared, and the run completes', async () => {
    // One connection, so that what the test does to it is what the module's transactions meet.
    await withOneConnection(database, 19, { max: 1 }, async (t, emulator) => {
      const prepared = async () =>
        (await t.dataSource.query(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'stripe_sync_%'`)).length;
      await t.subscriptions.syncAll();
      expect(await prepared()).toBeGreaterThan(0);

      // What a pooler in transaction mode does when the next transaction lands on another server connection.
      await t.dataSource.query('DEALLOCATE ALL');
      const [id] = emulator.listSubscriptionIds();
      emulator.updateSubscription(id, { metadata: { after: 'deallocate' } });
      const summary = await t.subscriptions.syncAll();

      expect(summary.seen).toBe(250);
      expect(await prepared()).toBe(0);
      expect((await t.subscriptions.findOne(id)).metadata).toEqual({ after: 'deallocate' });
      expect(await live(t)).toBe(250);
    });
  });
});

describe.each(databases.filter((kind) => kind === 'mysql'))('prepared upserts on %s', (database) => {
  it('sends the upserts as prepared statements, with the values as Stripe sent them', async () => {
    // One connection, so that its session counters are the module's.
    await withOneConnection(database, 23, { connectionLimit: 1 }, async (t, emulator) => {
      const counter = async (name: string) => {
        const [row]: { Value: string }[] = await t.dataSource.query(`SHOW SESSION STATUS LIKE '${name}'`);
        return Number(row.Value);
      };
      const before = { executed: await counter('Com_stmt_execute'), closed: await counter('Com_stmt_close') };
      await t.subscriptions.syncAll();

      // Three pages of subscriptions with their items; the statements of partial chunks are closed once run.
      expect((await counter('Com_stmt_execute')) - before.executed).toBeGreaterThanOrEqual(3);
      expect((await counter('Com_stmt_close')) - before.closed).toBeGreaterThanOrEqual(1);
      for (const id of emulator.listSubscriptionIds()) {
        const { raw, created, cancelAtPeriodEnd, metadata } = await t.subscriptions.findOne(id);
        const stripe = emulator.getSubscription(id)!;
        expect({
          created: created.getTime() / 1000,
          cancelAtPeriodEnd,
          metadata,
          customer: (raw as { customer?: unknown }).customer,
        }).toEqual({
          created: stripe.created,
          cancelAtPeriodEnd: stripe.cancel_at_period_end,
          metadata: stripe.metadata,
          customer: stripe.customer,
        });
      }
      expect(await live(t)).toBe(250);
    });
  });
});

/**
 * Runs `test` against an app on a fresh database whose pool has one connection (`pool`: the driver's option for
 * it), and an emulator of 250 subscriptions: above one page, so the upserts of full chunks are prepared.
 */
async function withOneConnection(
  database: TestDatabaseKind,
  seed: number,
  pool: Record<string, number>,
  test: (t: TestApp, emulator: StripeEmulator) => Promise<void>,
) {
  const emulator = await StripeEmulator.start({ seed: { subscriptions: 250, seed } });
  const db = await createTestDatabase(database);
  const single = { ...db, options: { ...db.options, extra: pool } } as typeof db;
  const t = await createTestApp({ database, shared: single, emulator });
  try {
    await test(t, emulator);
  } finally {
    await t.close();
    await db.drop();
    await emulator.stop();
  }
}
