import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { MirrorWriter, OnStripeEvent, StripeEvent, StripeSubscription } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import type Stripe from 'stripe';
import { createTestApp, type TestApp } from './support/app.js';
import { testDatabases } from './support/databases.js';
import { makeEvent, OLD_WEBHOOK_SECRET, signed, WEBHOOK_SECRET } from './support/events.js';

const databases = await testDatabases();

@Injectable()
class RecordingHandlers {
  readonly calls: { handler: string; type: string; eventId: string; row: StripeSubscription | null }[] = [];

  @OnStripeEvent('customer.subscription.updated')
  onUpdated(event: Stripe.Event, row: StripeSubscription | null) {
    this.calls.push({ handler: 'updated', type: event.type, eventId: event.id, row });
  }

  @OnStripeEvent('*')
  onAny(event: Stripe.Event, row: StripeSubscription | null) {
    this.calls.push({ handler: 'any', type: event.type, eventId: event.id, row });
  }

  @OnStripeEvent('customer.subscription.deleted')
  onDeleted() {
    throw new Error('the host handler broke');
  }
}

describe.each(databases)('webhooks on %s', (database) => {
  let emulator: StripeEmulator;
  let t: TestApp;
  let handlers: RecordingHandlers;
  let subscription: Stripe.Subscription;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 5, seed: 11 } });
  });
  afterAll(() => emulator.stop());

  beforeEach(async () => {
    t = await createTestApp({
      database,
      emulator,
      options: { webhookSecret: [WEBHOOK_SECRET, OLD_WEBHOOK_SECRET] },
      providers: [RecordingHandlers],
    });
    handlers = t.app.get(RecordingHandlers);
    subscription = emulator.getSubscription(emulator.listSubscriptionIds()[0])!;
  });
  afterEach(() => t.close());

  const now = () => Math.floor(Date.now() / 1000);
  const post = (payload: string, signature?: string) => {
    const call = t.http.post('/stripe/webhook').set('Content-Type', 'application/json; charset=utf-8');
    return (signature === undefined ? call : call.set('Stripe-Signature', signature)).send(payload);
  };
  const deliver = (event: object, secret?: string, timestamp?: number) => {
    const { payload, signature } = signed(event, secret, timestamp);
    return post(payload, signature);
  };
  const mirrored = () => t.dataSource.getRepository(StripeSubscription);
  const eventLog = () => t.dataSource.getRepository(StripeEvent);
  const nothingWritten = async () => {
    expect(await mirrored().count()).toBe(0);
    expect(await eventLog().count()).toBe(0);
  };

  describe('signature', () => {
    it('accepts a correctly signed event and updates the mirror through the sync path', async () => {
      const event = makeEvent('customer.subscription.updated', { ...subscription, metadata: { plan: 'gold' } }, now());
      const response = await deliver(event);

      expect(response.body).toEqual({ received: true, result: 'processed' });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ received: true, result: 'processed' });
      const row = await mirrored().findOneByOrFail({ id: subscription.id });
      expect(row).toMatchObject({ metadata: { plan: 'gold' }, customerId: subscription.customer, deletedAt: null });
      expect(await eventLog().findOneByOrFail({ id: event.id })).toMatchObject({
        type: 'customer.subscription.updated',
        objectId: subscription.id,
        status: 'processed',
        outcome: 'applied',
        source: 'webhook',
        processedAt: expect.any(Date),
      });
    });

    it('accepts the previous secret while it is rotated out', async () => {
      const response = await deliver(makeEvent('customer.subscription.updated', subscription, now()), OLD_WEBHOOK_SECRET);
      expect(response.status).toBe(200);
    });

    it('refuses a tampered body with 400 and writes nothing', async () => {
      const { payload, signature } = signed(makeEvent('customer.subscription.updated', subscription, now()));
      const response = await post(payload.replace(subscription.id, 'sub_attacker'), signature);
      expect(response.status).toBe(400);
      expect(response.body.message).toContain('Invalid webhook signature');
      await nothingWritten();
    });

    it('refuses a body signed with another secret', async () => {
      const response = await deliver(makeEvent('customer.subscription.updated', subscription, now()), 'whsec_someone_else');
      expect(response.status).toBe(400);
      await nothingWritten();
    });

    it('refuses a signature older than the 300 s tolerance', async () => {
      const response = await deliver(makeEvent('customer.subscription.updated', subscription, now()), WEBHOOK_SECRET, now() - 301);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/tolerance/i);
      await nothingWritten();
    });

    it('refuses a delivery without a signature header', async () => {
      const response = await post(JSON.stringify(makeEvent('customer.subscription.updated', subscription, now())));
      expect(response.status).toBe(400);
      expect(response.body.message).toContain('Stripe-Signature');
      await nothingWritten();
    });

    it.each([
      ['not JSON', '{"id": "evt_1", '],
      ['JSON but not an event', JSON.stringify({ hello: 'world' })],
    ])('refuses a signed body that is %s', async (_case, body) => {
      const { payload, signature } = signed(body);
      const response = await post(payload, signature);
      expect(response.status).toBe(400);
      await nothingWritten();
    });
  });

  describe('delivery', () => {
    it('answers 200 to a type it does not handle and records it as ignored', async () => {
      const event = makeEvent('coupon.created', { id: 'co_123', object: 'coupon' }, now());
      const response = await deliver(event);
      expect(response.status).toBe(200);
      expect(response.body.result).toBe('ignored');
      expect(await eventLog().findOneByOrFail({ id: event.id })).toMatchObject({ status: 'ignored', objectId: 'co_123' });
      expect(await mirrored().count()).toBe(0);
      expect(handlers.calls).toEqual([{ handler: 'any', type: 'coupon.created', eventId: event.id, row: null }]);
    });

    it('processes a second delivery of the same event not at all', async () => {
      const event = makeEvent('customer.subscription.updated', subscription, now());
      expect((await deliver(event)).body.result).toBe('processed');
      expect((await deliver(event)).body).toEqual({ received: true, result: 'duplicate' });
      expect(handlers.calls.filter((call) => call.handler === 'updated')).toHaveLength(1);
      expect((await eventLog().findOneByOrFail({ id: event.id })).attempts).toBe(1);
    });

    it('processes concurrent deliveries of the same event once', async () => {
      const event = makeEvent('customer.subscription.updated', subscription, now());
      const responses = await Promise.all(Array.from({ length: 6 }, () => deliver(event)));
      const results = responses.map((response) => response.body.result).sort();
      expect(responses.every((response) => response.status === 200)).toBe(true);
      expect(results).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'processed']);
      expect(handlers.calls.filter((call) => call.handler === 'updated')).toHaveLength(1);
    });

    it('answers 500 when the database fails, records the failure, and succeeds when Stripe retries', async () => {
      const event = makeEvent('customer.subscription.updated', subscription, now());
      const table = t.dataSource.getMetadata(StripeSubscription).tablePath;
      await t.dataSource.query(`DROP TABLE ${table}`);

      const failed = await deliver(event);
      expect(failed.status).toBe(500);
      const recorded = await eventLog().findOneByOrFail({ id: event.id });
      expect(recorded.status).toBe('failed');
      expect(recorded.error).toBeTruthy();

      await t.dataSource.synchronize();
      const retried = await deliver(event);
      expect(retried.status).toBe(200);
      expect(retried.body.result).toBe('processed');
      expect(await eventLog().findOneByOrFail({ id: event.id })).toMatchObject({ status: 'processed', attempts: 2, error: null });
      expect(await mirrored().countBy({ id: subscription.id })).toBe(1);
    });

    it('keeps a canceled subscription on customer.subscription.deleted, with its final state', async () => {
      const ended = now();
      const canceled = { ...subscription, status: 'canceled', canceled_at: ended, ended_at: ended };
      const response = await deliver(makeEvent('customer.subscription.deleted', canceled, ended));
      expect(response.status).toBe(200);
      expect(await mirrored().findOneByOrFail({ id: subscription.id })).toMatchObject({
        status: 'canceled',
        endedAt: new Date(ended * 1000),
        deletedAt: null,
      });
    });

    it('runs the host handlers with the event and the mirrored row; a failing one is recorded and changes nothing', async () => {
      const updated = makeEvent('customer.subscription.updated', { ...subscription, metadata: { seats: '4' } }, now());
      await deliver(updated).expect(200);
      const call = handlers.calls.find((c) => c.handler === 'updated')!;
      expect(call).toMatchObject({ type: 'customer.subscription.updated', eventId: updated.id });
      expect(call.row).toMatchObject({ id: subscription.id, metadata: { seats: '4' } });

      const deleted = makeEvent('customer.subscription.deleted', { ...subscription, status: 'canceled' }, now() + 1);
      const response = await deliver(deleted);
      expect(response.status).toBe(200);
      expect(await eventLog().findOneByOrFail({ id: deleted.id })).toMatchObject({
        status: 'processed',
        handlerError: expect.stringContaining('the host handler broke'),
      });
      expect((await mirrored().findOneByOrFail({ id: subscription.id })).status).toBe('canceled');
    });
  });

  describe('order', () => {
    /** One subscription's history: eight versions, some sharing a second, the last one what Stripe now holds. */
    function history(id: string, start: number) {
      const seconds = [0, 1, 1, 2, 3, 3, 4, 4];
      return seconds.map((offset, version) =>
        makeEvent(
          version === 0 ? 'customer.subscription.created' : 'customer.subscription.updated',
          { ...subscription, id, metadata: { version: String(version) }, quantity: version },
          start + offset,
        ),
      );
    }

    function shuffled<T>(items: T[], random: () => number): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    }

    it('ends with the newest state whatever order the events arrive in', async () => {
      const random = seededRandom(20261127);
      for (let permutation = 0; permutation < 30; permutation++) {
        const id = `sub_permutation${permutation}`;
        const events = history(id, now() - 10);
        emulator.putSubscription(events.at(-1)!.data.object as Stripe.Subscription);
        const order = shuffled(events, random);
        if (permutation % 2 === 0) {
          for (const event of order) expect((await deliver(event)).status).toBe(200);
        } else {
          const responses = await Promise.all(order.map((event) => deliver(event)));
          expect(responses.map((response) => response.status)).toEqual(order.map(() => 200));
        }
        const row = await mirrored().findOneByOrFail({ id });
        expect({ permutation, version: row.metadata.version }).toEqual({ permutation, version: '7' });
      }
    });

    it('never lets an older event overwrite what a full sync saw, even while the sync runs', async () => {
      await t.subscriptions.syncAll();
      const id = subscription.id;
      const events = history(id, now() - 6);
      emulator.putSubscription(events.at(-1)!.data.object as Stripe.Subscription);
      const running = t.subscriptions.syncAll();
      await Promise.all(shuffled(events, seededRandom(5)).map((event) => deliver(event)));
      await running;
      expect((await mirrored().findOneByOrFail({ id })).metadata).toEqual({ version: '7' });

      const outcomes = (await eventLog().findBy({ objectId: id })).map((event) => event.outcome);
      expect(outcomes.length).toBe(events.length);
      expect(outcomes.every((outcome) => ['applied', 'stale', 'refetched'].includes(outcome!))).toBe(true);
    });
  });

  describe('what is stored', () => {
    it('keeps decimal fields as Stripe wrote them, so raw is the same whether read from the API or from an event', async () => {
      const withDecimals = structuredClone(subscription);
      const [item] = withDecimals.items.data;
      (item.price as unknown as Record<string, unknown>).unit_amount_decimal = '1250.50';
      (item.plan as unknown as Record<string, unknown>).amount_decimal = '1250.50';
      emulator.putSubscription(withDecimals);
      const storedRaw = async () => {
        const row = await mirrored().findOneByOrFail({ id: subscription.id });
        const items = await t.subscriptions.findItems(subscription.id);
        return { subscription: row.raw, item: items.find((stored) => stored.id === item.id)!.raw };
      };

      await t.subscriptions.syncByIds([subscription.id]);
      const fromApi = await storedRaw();
      // Stripe's own event about the same object, with its items embedded as Stripe embeds them.
      const event = {
        ...emulator.emitEvent('customer.subscription.updated', emulator.getSubscription(subscription.id)!),
        created: now() + 1,
      };
      expect((await deliver(event)).body.result).toBe('processed');
      const fromEvent = await storedRaw();

      expect(fromApi).toEqual(fromEvent);
      expect(fromApi.item).toMatchObject({ price: { unit_amount_decimal: '1250.50' }, plan: { amount_decimal: '1250.50' } });
    });

    it('reports stale when the database guard kept a row written after the event was checked', async () => {
      const newer = now();
      await deliver(makeEvent('customer.subscription.updated', { ...subscription, metadata: { v: 'newer' } }, newer)).expect(200);
      // A write by another instance between the check of the stored row and the write itself.
      const writer = t.app.get(MirrorWriter);
      const observedAt = jest.spyOn(writer, 'observedAt').mockResolvedValueOnce(undefined);

      const older = makeEvent('customer.subscription.updated', { ...subscription, metadata: { v: 'older' } }, newer - 5);
      expect((await deliver(older)).body.result).toBe('processed');

      expect(observedAt).toHaveBeenCalled();
      expect((await eventLog().findOneByOrFail({ id: older.id })).outcome).toBe('stale');
      expect((await mirrored().findOneByOrFail({ id: subscription.id })).metadata).toEqual({ v: 'newer' });
    });

    it('never moves a row back in time for an older event that carries the same data', async () => {
      const newer = now();
      const same = { ...subscription, metadata: { v: 'same' } };
      await deliver(makeEvent('customer.subscription.updated', same, newer)).expect(200);
      const { observedAt } = await mirrored().findOneByOrFail({ id: subscription.id });
      const writer = t.app.get(MirrorWriter);
      jest.spyOn(writer, 'observedAt').mockResolvedValueOnce(undefined);

      const older = makeEvent('customer.subscription.updated', same, newer - 5);
      expect((await deliver(older)).body.result).toBe('processed');

      expect((await eventLog().findOneByOrFail({ id: older.id })).outcome).toBe('stale');
      expect((await mirrored().findOneByOrFail({ id: subscription.id })).observedAt).toEqual(observedAt);
    });
  });

  it('works under a global prefix without rawBody: true', async () => {
    const prefixed = await createTestApp({
      database,
      emulator,
      options: { webhookSecret: WEBHOOK_SECRET },
      configure: (app) => app.setGlobalPrefix('api'),
    });
    try {
      const { payload, signature } = signed(makeEvent('customer.subscription.updated', subscription, now()));
      const response = await prefixed.http
        .post('/api/stripe/webhook')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', signature)
        .send(payload);
      expect(response.status).toBe(200);
    } finally {
      await prefixed.close();
    }
  });
});

/** Deterministic pseudo-random numbers in [0, 1), so a failing permutation can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
