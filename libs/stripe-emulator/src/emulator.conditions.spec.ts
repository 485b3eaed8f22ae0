import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { StripeEmulator } from './index.js';
import { clientFor } from './emulator.test-support.js';

/** 'ok', or the status and SDK error type a request failed with. */
function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: Stripe.errors.StripeError) => `${error.statusCode ?? '-'} ${error.type}`,
  );
}

describe('StripeEmulator network conditions', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let id: string;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: 20 });
    stripe = clientFor(emulator);
    [id] = emulator.listSubscriptionIds();
  });

  afterAll(() => emulator.stop());

  afterEach(() => {
    emulator.setLatency(undefined);
    emulator.setRateLimit(undefined);
    emulator.setFailures(undefined);
    emulator.resetStats();
  });

  async function timed(action: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    await action();
    return performance.now() - started;
  }

  describe('latency', () => {
    it('holds back every answer by about fixedMs, errors included', async () => {
      const fast = await timed(() => stripe.subscriptions.retrieve(id));
      emulator.setLatency({ fixedMs: 200 });

      const slow = await timed(() => stripe.subscriptions.retrieve(id));
      const slowError = await timed(() => outcome(stripe.subscriptions.retrieve('sub_missing')));

      expect(fast).toBeLessThan(150);
      expect(slow).toBeGreaterThanOrEqual(190);
      expect(slowError).toBeGreaterThanOrEqual(190);
    });

    it('draws jitter within fixedMs ± jitterMs', async () => {
      emulator.setLatency({ fixedMs: 150, jitterMs: 100 });

      const times = [];
      for (let i = 0; i < 6; i++) times.push(await timed(() => stripe.subscriptions.retrieve(id)));

      for (const time of times) expect(time).toBeGreaterThanOrEqual(45);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(5);
    });

    it('rejects a negative latency', () => {
      expect(() => emulator.setLatency({ fixedMs: -1 })).toThrow(RangeError);
    });
  });

  describe('rate limit', () => {
    it('lets a burst of perSecond through, then answers 429 in Stripe shape, and counts them', async () => {
      emulator.setRateLimit({ perSecond: 5 });

      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          stripe.subscriptions.retrieve(id).then(
            () => undefined,
            (error: Stripe.errors.StripeError) => error,
          ),
        ),
      );

      const limited = results.filter((result) => result !== undefined);
      // The burst, and at most one token refilled while the requests arrive.
      expect(12 - limited.length).toBeGreaterThanOrEqual(5);
      expect(12 - limited.length).toBeLessThanOrEqual(6);
      for (const error of limited) {
        expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
        expect(error.statusCode).toBe(429);
        expect(error.code).toBe('rate_limit');
        expect(error.type).toBe('StripeRateLimitError');
        expect(error.message).toMatch(/^Request rate limit exceeded/);
        expect(error.headers?.['stripe-rate-limited-reason']).toBe('global-rate');
        expect(error.headers?.['retry-after']).toBeUndefined();
      }
      expect(emulator.stats.rateLimited).toBe(limited.length);
      expect(emulator.stats.total).toBe(12);
    });

    it('refills at perSecond, and sends Retry-After when configured', async () => {
      emulator.setRateLimit({ perSecond: 10, retryAfterSeconds: 2 });
      await Promise.all(Array.from({ length: 10 }, () => stripe.subscriptions.retrieve(id)));

      const limited = await stripe.subscriptions.retrieve(id).catch((error: Stripe.errors.StripeError) => error);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const refilled = await outcome(stripe.subscriptions.retrieve(id));

      expect((limited as Stripe.errors.StripeError).headers?.['retry-after']).toBe('2');
      expect(refilled).toBe('ok');
    });
  });

  describe('random failures', () => {
    it('answers 500 api_error to every request with errorShare 1', async () => {
      emulator.setFailures({ errorShare: 1 });

      expect(await outcome(stripe.subscriptions.retrieve(id))).toBe('500 StripeAPIError');
      expect(await outcome(stripe.subscriptions.list())).toBe('500 StripeAPIError');
    });

    it('closes the connection unanswered with dropShare 1, which the SDK raises as a StripeConnectionError', async () => {
      emulator.setFailures({ dropShare: 1 });

      const error = await stripe.subscriptions.retrieve(id).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
      // The SDK tries a closed connection once more even with maxNetworkRetries: 0.
      expect(emulator.stats.total).toBe(2);
    });

    it('fails the same requests for the same seed', async () => {
      const run = async (seed: number) => {
        emulator.setFailures({ errorShare: 0.5, seed });
        const outcomes: string[] = [];
        for (let i = 0; i < 16; i++) outcomes.push(await outcome(stripe.subscriptions.retrieve(id)));
        return outcomes;
      };

      const first = await run(7);
      const again = await run(7);
      const other = await run(8);

      expect(again).toEqual(first);
      expect(other).not.toEqual(first);
      expect(first).toContain('ok');
      expect(first).toContain('500 StripeAPIError');
    });
  });

  describe('the control channel', () => {
    it('answers without a key and without latency, limits or faults, and is not counted', async () => {
      emulator.setLatency({ fixedMs: 500 });
      emulator.setRateLimit({ perSecond: 1 });
      emulator.setFailures({ errorShare: 1 });
      emulator.injectFault({ times: 5 });

      let stats: Record<string, unknown> = {};
      const elapsed = await timed(async () => {
        for (let i = 0; i < 3; i++) stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()) as Record<string, unknown>;
      });

      expect(elapsed).toBeLessThan(400);
      expect(stats).toMatchObject({ total: 0, byRoute: {}, rateLimited: 0, subscriptions: 20, events: 0 });
      expect(stats.rssBytes).toBeGreaterThan(0);
      emulator.clearFaults();
    });

    it('pages subscription ids, alone or with the ids of their items, in list order', async () => {
      const listed = (await stripe.subscriptions.list({ status: 'all', limit: 100 })).data.map((subscription) => subscription.id);

      const page = async (query: string) => (await fetch(`${emulator.url}/_emulator/subscriptions/ids?${query}`)).json();

      expect(await page('')).toEqual({ data: listed, total: 20, has_more: false });
      expect(await page('offset=5&limit=10')).toEqual({ data: listed.slice(5, 15), total: 20, has_more: true });
      const items = (id: string) => emulator.getSubscription(id)!.items.data.map((item) => item.id);
      expect(await (await fetch(`${emulator.url}/_emulator/subscriptions/items?offset=18`)).json()).toEqual({
        data: listed.slice(18).map((id) => ({ id, items: items(id) })),
        total: 20,
        has_more: false,
      });
      const invalid = await fetch(`${emulator.url}/_emulator/subscriptions/ids?limit=0`);
      expect(invalid.status).toBe(400);
      expect((await fetch(`${emulator.url}/_emulator/nothing`)).status).toBe(404);
    });
  });
});
