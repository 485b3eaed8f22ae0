import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { StripeEmulator } from './index.js';
import { Receiver } from './emulator.test-support.js';

describe('StripeEmulator webhooks', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let receiver: Receiver;
  let endpoint: { id: string; secret: string };

  beforeAll(async () => {
    emulator = await StripeEmulator.start();
    stripe = new Stripe('sk_test_123', { ...emulator.clientOptions(), maxNetworkRetries: 0 });
  });

  afterAll(() => emulator.stop());

  beforeEach(async () => {
    receiver = new Receiver();
    await receiver.listen();
    emulator.setWebhookOptions({
      mode: 'immediate',
      delayMs: 0,
      duplicateShare: 0,
      shuffle: false,
      seed: 1,
      maxAttempts: 3,
      retryDelayMs: 1000,
    });
    endpoint = emulator.addWebhookEndpoint({ url: receiver.url });
  });

  afterEach(async () => {
    emulator.removeWebhookEndpoint(endpoint.id);
    await emulator.waitForWebhooks();
    await receiver.close();
  });

  const create = () => stripe.subscriptions.create({ customer: 'cus_Hooks', items: [{ price: 'price_hooks' }] });
  const deliveriesOf = (eventIds: string[]) => emulator.deliveries.filter((delivery) => eventIds.includes(delivery.eventId));

  describe('signing', () => {
    it('posts the event signed as Stripe does, so that stripe.webhooks.constructEvent accepts it', async () => {
      const subscription = await create();
      await emulator.waitForWebhooks();

      expect(receiver.received).toHaveLength(1);
      const [{ headers, body }] = receiver.received;
      expect(headers['content-type']).toBe('application/json; charset=utf-8');
      expect(headers['user-agent']).toBe('Stripe/1.0 (+https://stripe.com/docs/webhooks)');
      expect(headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const event = stripe.webhooks.constructEvent(body, headers['stripe-signature']!, endpoint.secret);
      expect(event.type).toBe('customer.subscription.created');
      expect((event.data.object as Stripe.Subscription).id).toBe(subscription.id);
      // Pretty-printed, and sent while this delivery was still pending.
      expect(body).toBe(
        JSON.stringify({ ...(await stripe.events.retrieve(event.id)), pending_webhooks: 1, lastResponse: undefined }, null, 2),
      );
      expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(0);
      expect(() => stripe.webhooks.constructEvent(body, headers['stripe-signature']!, 'whsec_wrong')).toThrow(
        Stripe.errors.StripeSignatureVerificationError,
      );
    });

    it('signs with the emulator clock, in the format of stripe.webhooks.generateTestHeaderString', async () => {
      emulator.setClock(1_780_000_000);
      try {
        await create();
        await emulator.waitForWebhooks();
      } finally {
        emulator.setClock(undefined);
      }

      const [{ headers, body }] = receiver.received;
      expect(headers['stripe-signature']).toBe(
        stripe.webhooks.generateTestHeaderString({ payload: body, secret: endpoint.secret, timestamp: 1_780_000_000 }),
      );
      // The frozen time is long past for the SDK, so only a check without a tolerance passes.
      expect(() => stripe.webhooks.constructEvent(body, headers['stripe-signature']!, endpoint.secret)).toThrow(/tolerance/);
      expect(stripe.webhooks.constructEvent(body, headers['stripe-signature']!, endpoint.secret, 0).type).toBe(
        'customer.subscription.created',
      );
    });

    it('uses a given secret, and sends only the enabled events', async () => {
      const picky = new Receiver();
      await picky.listen();
      const only = emulator.addWebhookEndpoint({ url: picky.url, secret: 'whsec_given', enabledEvents: ['customer.subscription.deleted'] });
      try {
        const subscription = await create();
        await stripe.subscriptions.cancel(subscription.id);
        await emulator.waitForWebhooks();

        expect(only.secret).toBe('whsec_given');
        expect(picky.received).toHaveLength(1);
        const event = stripe.webhooks.constructEvent(picky.received[0].body, picky.received[0].headers['stripe-signature']!, 'whsec_given');
        expect(event.type).toBe('customer.subscription.deleted');
        expect(receiver.received.map((received) => received.eventId)).toHaveLength(2);
      } finally {
        emulator.removeWebhookEndpoint(only.id);
        await picky.close();
      }
    });

    it('registers endpoints through POST /v1/webhook_endpoints, returning the secret, and deletes them', async () => {
      const created = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.subscription.created'] });
      try {
        expect(created).toMatchObject({
          object: 'webhook_endpoint',
          url: receiver.url,
          enabled_events: ['customer.subscription.created'],
          status: 'enabled',
        });
        expect(created.secret).toMatch(/^whsec_/);
        await create();
        await emulator.waitForWebhooks();

        const signedWith = receiver.received.filter((received) => {
          try {
            return !!stripe.webhooks.constructEvent(received.body, received.headers['stripe-signature']!, created.secret!);
          } catch {
            return false;
          }
        });
        expect([receiver.received.length, signedWith.length]).toEqual([2, 1]);
      } finally {
        expect(await stripe.webhookEndpoints.del(created.id)).toMatchObject({ id: created.id, deleted: true });
      }
      await expect(stripe.webhookEndpoints.del(created.id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    });
  });

  describe('immediate delivery', () => {
    it('does not hold back the API answer while the endpoint is slow', async () => {
      receiver.delayMs = 600;
      const started = Date.now();

      await create();

      expect(Date.now() - started).toBeLessThan(400);
      await emulator.waitForWebhooks();
      expect(receiver.received).toHaveLength(1);
    });

    it('waits delayMs before delivering', async () => {
      emulator.setWebhookOptions({ delayMs: 300 });
      const started = Date.now();

      await create();
      await emulator.waitForWebhooks();

      expect(receiver.received).toHaveLength(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    });

    it('retries a failing endpoint until it answers 2xx', async () => {
      emulator.setWebhookOptions({ retryDelayMs: 50 });
      receiver.statuses.push(500, 503);

      await create();
      await emulator.waitForWebhooks();

      const [eventId] = receiver.received.map((received) => received.eventId);
      expect(deliveriesOf([eventId]).map(({ attempt, status, endpointId }) => [attempt, status, endpointId])).toEqual([
        [1, 500, endpoint.id],
        [2, 503, endpoint.id],
        [3, 200, endpoint.id],
      ]);
      expect((await stripe.events.retrieve(eventId)).pending_webhooks).toBe(0);
    });

    it('gives up after maxAttempts, leaving the event pending', async () => {
      emulator.setWebhookOptions({ retryDelayMs: 20, maxAttempts: 2 });
      receiver.statuses.push(500, 500, 500);

      await create();
      await emulator.waitForWebhooks();

      const [eventId] = receiver.received.map((received) => received.eventId);
      expect(deliveriesOf([eventId]).map((delivery) => delivery.status)).toEqual([500, 500]);
      expect((await stripe.events.retrieve(eventId)).pending_webhooks).toBe(1);
    });

    it('records status 0 when the endpoint cannot be reached', async () => {
      const gone = new Receiver();
      await gone.listen();
      const unreachable = gone.url;
      await gone.close();
      const dead = emulator.addWebhookEndpoint({ url: unreachable });
      emulator.setWebhookOptions({ maxAttempts: 1 });
      try {
        await create();
        await emulator.waitForWebhooks();

        expect(emulator.deliveries.filter((delivery) => delivery.endpointId === dead.id).map((delivery) => delivery.status)).toEqual([0]);
      } finally {
        emulator.removeWebhookEndpoint(dead.id);
      }
    });

    it('delivers every event twice with duplicateShare 1', async () => {
      emulator.setWebhookOptions({ duplicateShare: 1 });

      const subscription = await create();
      await stripe.subscriptions.update(subscription.id, { metadata: { a: '1' } });
      await emulator.waitForWebhooks();

      const ids = receiver.received.map((received) => received.eventId);
      expect(ids).toHaveLength(4);
      expect(new Set(ids).size).toBe(2);
      expect(
        deliveriesOf(ids)
          .map((delivery) => delivery.attempt)
          .sort(),
      ).toEqual([1, 1, 2, 2]);
    });
  });

  describe('hold mode', () => {
    /** Three events held: created, then two updates. */
    async function holdThree(): Promise<string[]> {
      emulator.setWebhookOptions({ mode: 'hold' });
      const subscription = await create();
      await stripe.subscriptions.update(subscription.id, { metadata: { step: '1' } });
      await stripe.subscriptions.update(subscription.id, { metadata: { step: '2' } });
      return emulator.pendingWebhooks().map((event) => event.id);
    }

    it('holds events until a flush, which delivers them in order and resolves when done', async () => {
      const held = await holdThree();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(receiver.received).toEqual([]);
      expect(emulator.pendingWebhooks().map((event) => event.type)).toEqual([
        'customer.subscription.created',
        'customer.subscription.updated',
        'customer.subscription.updated',
      ]);

      const deliveries = await emulator.flushWebhooks();

      expect(deliveries.map((delivery) => [delivery.eventId, delivery.status])).toEqual(held.map((id) => [id, 200]));
      expect(receiver.received.map((received) => received.eventId)).toEqual(held);
      expect(emulator.pendingWebhooks()).toEqual([]);
    });

    it('flushes in a given order, an id given twice delivered twice, the others staying held', async () => {
      const [first, second, third] = await holdThree();

      const deliveries = await emulator.flushWebhooks([third, first, third]);

      expect(receiver.received.map((received) => received.eventId)).toEqual([third, first, third]);
      expect(deliveries.map((delivery) => delivery.attempt)).toEqual([1, 1, 2]);
      expect(emulator.pendingWebhooks().map((event) => event.id)).toEqual([second]);
      await expect(emulator.flushWebhooks(['evt_missing'])).rejects.toThrow(/evt_missing/);
    });

    it('flushes in reverse or random order, and with duplicates', async () => {
      const held = await holdThree();

      await emulator.flushWebhooks('reverse');
      expect(receiver.received.map((received) => received.eventId)).toEqual([...held].reverse());

      receiver.received.length = 0;
      const again = await holdThree();
      emulator.setWebhookOptions({ duplicateShare: 1, seed: 3 });
      await emulator.flushWebhooks('random');
      const ids = receiver.received.map((received) => received.eventId);
      expect([...ids].sort()).toEqual([...again, ...again].sort());
      expect(ids).not.toEqual([...again, ...again]);
    });

    it('keeps a failed delivery held for the next flush, without retrying on its own', async () => {
      const [first, second, third] = await holdThree();
      receiver.statuses.push(200, 500);

      const failed = await emulator.flushWebhooks();
      await new Promise((resolve) => setTimeout(resolve, 50));

      expect(failed.map((delivery) => delivery.status)).toEqual([200, 500, 200]);
      expect(emulator.pendingWebhooks().map((event) => event.id)).toEqual([second]);
      expect((await emulator.flushWebhooks()).map((delivery) => [delivery.eventId, delivery.attempt, delivery.status])).toEqual([
        [second, 2, 200],
      ]);
      expect(receiver.received.map((received) => received.eventId)).toEqual([first, second, third, second]);
    });
  });

  it('stop() cancels scheduled deliveries', async () => {
    const own = await StripeEmulator.start({ webhooks: { retryDelayMs: 60_000 } });
    own.addWebhookEndpoint({ url: receiver.url });
    receiver.statuses.push(500);
    own.emitEvent('invoice.paid', { id: 'in_Stop', object: 'invoice' });
    while (own.deliveries.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));

    await own.stop();

    // The retry a minute away no longer counts as pending work.
    await own.waitForWebhooks();
    expect(own.deliveries.map((delivery) => delivery.status)).toEqual([500]);
  });
});
