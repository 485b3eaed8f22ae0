import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { StripeSubscription, StripeSubscriptionItem } from 'nestjs-stripe-sync';
import { IsNull } from 'typeorm';
import { ADMIN_TOKEN, createTestApp, REGISTRATIONS, type TestApp } from './support/app.js';
import { testDatabases } from './support/databases.js';
import { loadFixture } from './support/fixtures.js';

const SEEDED = 60;
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const databases = await testDatabases();

describe.each(databases)('subscription routes on %s', (database) => {
  describe.each(REGISTRATIONS)('registered with %s', (registration) => {
    let emulator: StripeEmulator;
    let t: TestApp;

    beforeAll(async () => {
      emulator = await StripeEmulator.start();
    });
    afterAll(() => emulator.stop());

    beforeEach(async () => {
      for (const id of emulator.listSubscriptionIds()) emulator.removeSubscription(id);
      emulator.seed({ subscriptions: SEEDED, seed: 7 });
      emulator.resetStats();
      emulator.clearFaults();
      emulator.setChildListOrder('embedded');
      t = await createTestApp({ database, registration, emulator });
    });
    afterEach(() => t.close());

    const subscriptions = () => t.dataSource.getRepository(StripeSubscription);
    const items = () => t.dataSource.getRepository(StripeSubscriptionItem);
    const syncAll = () => t.http.post('/stripe/subscriptions/sync-all').set(auth);

    describe('POST /stripe/subscriptions/sync-all', () => {
      it('mirrors every subscription, canceled ones and all items included, with the fewest requests', async () => {
        const ids = emulator.listSubscriptionIds();
        const withMoreThanTen = ids.filter((id) => emulator.getSubscription(id)!.items.data.length > 10);
        const itemCount = ids.reduce((sum, id) => sum + emulator.getSubscription(id)!.items.data.length, 0);
        expect(withMoreThanTen.length).toBeGreaterThan(0);
        expect(ids.some((id) => emulator.getSubscription(id)!.status === 'canceled')).toBe(true);

        const { status, body } = await syncAll();

        expect(status).toBe(200);
        expect(body).toMatchObject({ object: 'subscription', seen: SEEDED, inserted: SEEDED, updated: 0, softDeleted: 0, restored: 0 });
        expect(body.requests).toBe(Math.ceil(SEEDED / 100) + withMoreThanTen.length);
        expect(emulator.stats.total).toBe(body.requests);
        expect(emulator.stats.byRoute['GET /v1/subscription_items']).toBe(withMoreThanTen.length);
        expect(await subscriptions().count()).toBe(SEEDED);
        expect(await items().count()).toBe(itemCount);
        const canceled = ids.filter((id) => emulator.getSubscription(id)!.status === 'canceled');
        expect(await subscriptions().countBy({ status: 'canceled' })).toBe(canceled.length);
      });

      it('soft-deletes what Stripe no longer has and restores what comes back', async () => {
        await syncAll().expect(200);
        const [gone, changed] = emulator.listSubscriptionIds();
        const copy = emulator.getSubscription(gone)!;
        emulator.removeSubscription(gone);
        emulator.updateSubscription(changed, { metadata: { plan_note: 'changed in Stripe' } });

        // Updated: the rows whose data changed, not every row seen again.
        const second = await syncAll().expect(200);
        expect(second.body).toMatchObject({ seen: SEEDED - 1, inserted: 0, updated: 1, softDeleted: 1, restored: 0 });
        const deleted = await subscriptions().findOneByOrFail({ id: gone });
        expect(deleted.deletedAt).toBeInstanceOf(Date);
        expect(await items().countBy({ subscriptionId: gone, deletedAt: IsNull() })).toBe(0);

        emulator.putSubscription(copy);
        const third = await syncAll().expect(200);
        expect(third.body).toMatchObject({ seen: SEEDED, inserted: 0, updated: 0, softDeleted: 0, restored: 1 });
        expect((await subscriptions().findOneByOrFail({ id: gone })).deletedAt).toBeNull();
        expect(await items().countBy({ subscriptionId: gone, deletedAt: IsNull() })).toBe(copy.items.data.length);
      });

      it('soft-deletes nothing when the run fails part-way', async () => {
        emulator.seed({ subscriptions: 150, seed: 8 });
        await syncAll().expect(200);
        const [gone] = emulator.listSubscriptionIds();
        emulator.removeSubscription(gone);
        emulator.injectFault({ route: 'GET /v1/subscriptions', status: 500, after: 1 });

        const failed = await syncAll();

        expect(failed.status).toBe(502);
        expect(failed.body.message).toContain('StripeAPIError');
        expect(await subscriptions().countBy({ deletedAt: IsNull() })).toBe(SEEDED + 150);
      });

      it('answers 409 while a run is going on', async () => {
        emulator.injectFault({ route: 'GET /v1/subscriptions', delayMs: 300 });
        const first = t.subscriptions.syncAll();
        const second = await syncAll();
        expect(second.status).toBe(409);
        await first;
      });
    });

    describe('POST /stripe/subscriptions/sync-by-ids', () => {
      it('syncs the ids it can, soft-deletes the missing and reports the failed', async () => {
        await syncAll().expect(200);
        const [missing, ...rest] = emulator.listSubscriptionIds();
        const wanted = rest.slice(0, 5);
        emulator.removeSubscription(missing);
        emulator.injectFault({ route: 'GET /v1/subscriptions/:id', status: 500, times: 1 });

        const { status, body } = await t.http
          .post('/stripe/subscriptions/sync-by-ids')
          .set(auth)
          .send({ ids: [...wanted, missing] });

        expect(status).toBe(200);
        expect(body.missing).toEqual([missing]);
        expect(body.failed).toHaveLength(1);
        expect(body.failed[0]).toEqual({ id: expect.any(String), error: expect.stringContaining('StripeAPIError') });
        expect([...body.synced, body.failed[0].id].sort()).toEqual([...wanted].sort());
        expect((await subscriptions().findOneByOrFail({ id: missing })).deletedAt).toBeInstanceOf(Date);
      });

      it('fetches every item of a subscription with more than 10, and soft-deletes items that left it', async () => {
        const id = emulator.listSubscriptionIds().find((sid) => emulator.getSubscription(sid)!.items.data.length > 11)!;
        const all = emulator.getSubscription(id)!.items.data;
        await t.http
          .post('/stripe/subscriptions/sync-by-ids')
          .set(auth)
          .send({ ids: [id] })
          .expect(200);
        expect(await items().countBy({ subscriptionId: id, deletedAt: IsNull() })).toBe(all.length);

        const kept = all.slice(0, 3);
        emulator.putSubscription({ ...emulator.getSubscription(id)!, items: { ...emulator.getSubscription(id)!.items, data: kept } });
        await t.http
          .post('/stripe/subscriptions/sync-by-ids')
          .set(auth)
          .send({ ids: [id] })
          .expect(200);

        const live = await items().findBy({ subscriptionId: id, deletedAt: IsNull() });
        expect(live.map((item) => item.id).sort()).toEqual(kept.map((item) => item.id).sort());
        expect(await items().countBy({ subscriptionId: id })).toBe(all.length);
      });

      it('lists the items beyond 10 from the start, whatever order the item list gives them in', async () => {
        const id = emulator.listSubscriptionIds().find((sid) => emulator.getSubscription(sid)!.items.data.length > 11)!;
        const all = emulator.getSubscription(id)!.items.data;
        emulator.setChildListOrder('reverse');

        await t.http
          .post('/stripe/subscriptions/sync-by-ids')
          .set(auth)
          .send({ ids: [id] })
          .expect(200);

        const live = await items().findBy({ subscriptionId: id, deletedAt: IsNull() });
        expect(live.map((item) => item.id).sort()).toEqual(all.map((item) => item.id).sort());
        expect(emulator.stats.byRoute['GET /v1/subscription_items']).toBe(1);
      });

      it('lists every item when one embedded in the object read was deleted since', async () => {
        const id = emulator.listSubscriptionIds().find((sid) => emulator.getSubscription(sid)!.items.data.length > 11)!;
        const read = emulator.getSubscription(id)!;
        const asRead = { ...read, items: { ...read.items, data: read.items.data.slice(0, 10), has_more: true } };
        const remaining = read.items.data.filter((_, i) => i !== 9);
        emulator.putSubscription({ ...read, items: { ...read.items, data: remaining } });
        emulator.resetStats();

        await t.subscriptions.sync(asRead);

        const live = await items().findBy({ subscriptionId: id, deletedAt: IsNull() });
        expect(live.map((item) => item.id).sort()).toEqual(remaining.map((item) => item.id).sort());
        expect(emulator.stats.byRoute['GET /v1/subscription_items']).toBe(1);
      });
    });

    describe('POST /stripe/subscriptions/sync-batch', () => {
      it('accepts the django-stripe documentation example and both API shapes', async () => {
        const batch = [
          ...loadFixture<object[]>('django-stripe-sync-batch.json'),
          loadFixture('subscription.current.json'),
          loadFixture('subscription.2023-08-16.json'),
        ];
        const { status, body } = await t.http.post('/stripe/subscriptions/sync-batch').set(auth).send({ batch });

        expect(status).toBe(200);
        expect(body).toEqual({ synced: ['sub_1MowQVLkdIwHu7ixeRlqHVzs', 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw', 'sub_1NnmX4GPxmnHQRkJrhGrFloA'] });
        expect(emulator.stats.total).toBe(0);
        const record = await t.http.get('/stripe/subscriptions/sub_1MowQVLkdIwHu7ixeRlqHVzs').set(auth).expect(200);
        expect(record.body).toMatchObject({
          id: 'sub_1MowQVLkdIwHu7ixeRlqHVzs',
          customerId: 'cus_NhD8HD2bY8dP3V',
          cancelAtPeriodEnd: false,
          currentPeriodStart: '2022-02-01T11:33:20.000Z',
          currentPeriodEnd: '2022-03-03T11:33:20.000Z',
          latestInvoiceId: 'in_1MowQVLkdIwHu7ixeRlqHVzv',
          deletedAt: null,
          items: [expect.objectContaining({ id: 'si_NhD8HD2bY8dP3V', priceId: 'price_1MowQVLkdIwHu7ixeRlqHVzb' })],
        });
      });

      it('writes nothing when one entry is not a subscription', async () => {
        const [valid] = loadFixture<object[]>('django-stripe-sync-batch.json');
        const { status, body } = await t.http
          .post('/stripe/subscriptions/sync-batch')
          .set(auth)
          .send({ batch: [valid, { id: 'cus_123', object: 'customer' }] });

        expect(status).toBe(400);
        expect(body.message).toContain('batch[1].object');
        expect(await subscriptions().count()).toBe(0);
      });

      it('writes nothing when the database fails part-way through the batch', async () => {
        const [valid] = loadFixture<object[]>('django-stripe-sync-batch.json');
        await t.dataSource.query(`DROP TABLE ${t.dataSource.getMetadata(StripeSubscriptionItem).tablePath}`);

        const { status } = await t.http
          .post('/stripe/subscriptions/sync-batch')
          .set(auth)
          .send({ batch: [valid] });

        expect(status).toBe(500);
        expect(await subscriptions().count()).toBe(0);
      });
    });

    describe('DELETE /stripe/subscriptions/:id', () => {
      it('soft-deletes, keeps the first time on a second call, and answers 404 for an unknown id', async () => {
        await syncAll().expect(200);
        const [id] = emulator.listSubscriptionIds();

        const first = await t.http.delete(`/stripe/subscriptions/${id}`).set(auth).expect(200);
        expect(first.body).toMatchObject({ id, deletedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
        await new Promise((resolve) => setTimeout(resolve, 20));
        const second = await t.http.delete(`/stripe/subscriptions/${id}`).set(auth).expect(200);
        expect(second.body.deletedAt).toBe(first.body.deletedAt);

        const unknown = await t.http.delete('/stripe/subscriptions/sub_unknown').set(auth);
        expect(unknown.status).toBe(404);
        expect(unknown.body.message).toContain('sub_unknown');
      });
    });

    describe('GET /stripe/subscriptions', () => {
      it('pages through the mirror newest first with a cursor, in camelCase with ISO timestamps', async () => {
        await syncAll().expect(200);
        const seen: string[] = [];
        let startingAfter: string | undefined;
        let pages = 0;
        do {
          const { body } = await t.http
            .get('/stripe/subscriptions')
            .query({ limit: 25, includeDeleted: true, ...(startingAfter ? { startingAfter } : {}) })
            .set(auth)
            .expect(200);
          seen.push(...body.data.map((row: { id: string }) => row.id));
          startingAfter = body.hasMore ? body.data.at(-1).id : undefined;
          pages++;
          expect(body.data[0]).toEqual(
            expect.objectContaining({ customerId: expect.any(String), created: expect.stringMatching(/Z$/), deletedAt: null }),
          );
          expect(body.data[0].raw).toBeUndefined();
        } while (startingAfter);

        expect(pages).toBe(Math.ceil(SEEDED / 25));
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.slice().sort()).toEqual(emulator.listSubscriptionIds().slice().sort());
        const created = seen.map((id) => emulator.getSubscription(id)!.created);
        expect(created).toEqual(created.slice().sort((a, b) => b - a));
      });

      it('filters by status and customer, and leaves soft-deleted rows out unless asked', async () => {
        await syncAll().expect(200);
        const sample = emulator.getSubscription(emulator.listSubscriptionIds()[0])!;
        const customer = sample.customer as string;

        const byCustomer = await t.http.get('/stripe/subscriptions').query({ customer, limit: 100 }).set(auth).expect(200);
        const expected = emulator.listSubscriptionIds().filter((id) => emulator.getSubscription(id)!.customer === customer);
        expect(byCustomer.body.data.map((row: { id: string }) => row.id).sort()).toEqual(expected.sort());

        const canceled = await t.http.get('/stripe/subscriptions').query({ status: 'canceled', limit: 100 }).set(auth).expect(200);
        expect(canceled.body.data.length).toBeGreaterThan(0);
        expect(canceled.body.data.every((row: { status: string }) => row.status === 'canceled')).toBe(true);

        await t.http.delete(`/stripe/subscriptions/${sample.id}`).set(auth).expect(200);
        const live = await t.http.get('/stripe/subscriptions').query({ limit: 100 }).set(auth).expect(200);
        expect(live.body.data.map((row: { id: string }) => row.id)).not.toContain(sample.id);
        const all = await t.http.get('/stripe/subscriptions').query({ limit: 100, includeDeleted: 'true' }).set(auth).expect(200);
        expect(all.body.data.map((row: { id: string }) => row.id)).toContain(sample.id);
      });

      it('shows one subscription with all its items', async () => {
        await syncAll().expect(200);
        const id = emulator.listSubscriptionIds().find((sid) => emulator.getSubscription(sid)!.items.data.length > 10)!;
        const { body } = await t.http.get(`/stripe/subscriptions/${id}`).set(auth).expect(200);
        expect(body.items.map((item: { id: string }) => item.id).sort()).toEqual(
          emulator
            .getSubscription(id)!
            .items.data.map((item) => item.id)
            .sort(),
        );
        expect(body.raw.id).toBe(id);
        await t.http.get('/stripe/subscriptions/sub_nothere').set(auth).expect(404);
      });
    });

    describe('authentication and bad input', () => {
      const routes: [string, string][] = [
        ['post', '/stripe/subscriptions/sync-all'],
        ['post', '/stripe/subscriptions/sync-by-ids'],
        ['post', '/stripe/subscriptions/sync-batch'],
        ['get', '/stripe/subscriptions'],
        ['get', '/stripe/subscriptions/sub_123'],
        ['delete', '/stripe/subscriptions/sub_123'],
      ];

      it('refuses every route without the admin token or with a wrong one', async () => {
        for (const [method, path] of routes) {
          const call = (t.http as unknown as Record<string, (p: string) => ReturnType<typeof t.http.get>>)[method](path);
          expect((await call).status).toBe(401);
          const wrong = (t.http as unknown as Record<string, (p: string) => ReturnType<typeof t.http.get>>)[method](path);
          expect((await wrong.set('Authorization', `Bearer ${ADMIN_TOKEN}x`)).status).toBe(401);
        }
        expect(emulator.stats.total).toBe(0);
      });

      it.each([
        ['ids that are not subscription ids', { ids: ['cus_123'] }, 'ids'],
        ['an id with SQL in it', { ids: ["sub_1' OR '1'='1"] }, 'ids'],
        ['no ids at all', {}, 'ids'],
        ['ids that are not a list', { ids: 'sub_123' }, 'ids'],
        ['more than 1,000 ids', { ids: Array.from({ length: 1001 }, (_, i) => `sub_${i}`) }, 'ids'],
        ['an unknown field', { ids: ['sub_123'], extra: 1 }, 'extra'],
      ])('answers 400 to sync-by-ids with %s, naming the field', async (_case, body, field) => {
        const response = await t.http.post('/stripe/subscriptions/sync-by-ids').set(auth).send(body);
        expect(response.status).toBe(400);
        expect(JSON.stringify(response.body.message)).toContain(field);
        expect(emulator.stats.total).toBe(0);
      });

      it.each([
        ['an entry without an id', { batch: [{ object: 'subscription' }] }, 'batch[0].id'],
        ['an entry with a numeric id', { batch: [{ id: 42, object: 'subscription' }] }, 'batch[0].id'],
        ['an entry that is not an object', { batch: ['sub_123'] }, 'batch'],
        ['no batch', { ids: [] }, 'batch'],
      ])('answers 400 to sync-batch with %s, naming the field', async (_case, body, field) => {
        const response = await t.http.post('/stripe/subscriptions/sync-batch').set(auth).send(body);
        expect(response.status).toBe(400);
        expect(JSON.stringify(response.body.message)).toContain(field);
        expect(await subscriptions().count()).toBe(0);
      });

      it('answers 400 to a body that is not JSON', async () => {
        const response = await t.http
          .post('/stripe/subscriptions/sync-batch')
          .set(auth)
          .set('Content-Type', 'application/json')
          .send('{"batch": [');
        expect(response.status).toBe(400);
        expect(await subscriptions().count()).toBe(0);
      });

      it.each([
        [{ limit: 101 }, 'limit'],
        [{ limit: 0 }, 'limit'],
        [{ limit: 'ten' }, 'limit'],
        [{ status: 'bogus' }, 'status'],
        [{ customer: 'x; DROP TABLE' }, 'customer'],
        [{ includeDeleted: 'maybe' }, 'includeDeleted'],
        [{ startingAfter: 'sub_notinmirror' }, 'startingAfter'],
        [{ sort: 'id' }, 'sort'],
      ])('answers 400 to the list query %j, naming the field', async (query, field) => {
        const response = await t.http.get('/stripe/subscriptions').query(query).set(auth);
        expect(response.status).toBe(400);
        expect(JSON.stringify(response.body.message)).toContain(field);
      });

      it('answers 400 to an id with path or SQL characters', async () => {
        for (const id of ['cus_123', "sub_1'--", 'sub_%2E%2E%2Fetc']) {
          const response = await t.http.get(`/stripe/subscriptions/${id}`).set(auth);
          expect(response.status).toBe(400);
          expect(response.body.message).toContain('id must be a Stripe subscription id');
        }
      });
    });
  });
});
