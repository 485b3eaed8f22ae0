import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { StripeEmulator } from './index.js';
import { subscriptionItemTemplate, subscriptionTemplate } from './emulator.fixtures.js';
import { clientFor, rejection } from './emulator.test-support.js';

const NOW = 1_780_000_000; // pinned so that the generated data does not depend on the day the tests run
const SEED = { subscriptions: 250, seed: 7, now: NOW };

/** A client that does not retry, so that every failure the emulator answers reaches the test. */
/** Every subscription the list endpoint returns for `params`, page by page as the sync does. */
async function listAll(stripe: Stripe, params: Stripe.SubscriptionListParams = {}): Promise<Stripe.Subscription[]> {
  const all: Stripe.Subscription[] = [];
  let page: Stripe.ApiList<Stripe.Subscription> | undefined;
  do {
    page = await stripe.subscriptions.list({ limit: 100, ...params, starting_after: all.at(-1)?.id });
    all.push(...page.data);
  } while (page.has_more);
  return all;
}

describe('StripeEmulator', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  /** The seeded subscriptions, full (all items), read through the state accessors. */
  let seeded: Stripe.Subscription[];

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: SEED });
    stripe = clientFor(emulator);
    seeded = emulator.listSubscriptionIds().map((id) => emulator.getSubscription(id)!);
  });

  afterAll(() => emulator.stop());

  const byStatus = (...statuses: string[]) => seeded.filter((subscription) => statuses.includes(subscription.status));

  describe('listing subscriptions', () => {
    it('pages through every subscription exactly once, newest first, ties by id', async () => {
      const listed = await listAll(stripe, { status: 'all' });

      const ids = listed.map((subscription) => subscription.id);
      expect(ids).toHaveLength(250);
      expect(new Set(ids).size).toBe(250);
      expect([...ids].sort()).toEqual(emulator.listSubscriptionIds().sort());
      for (let i = 1; i < listed.length; i++) {
        const [newer, older] = [listed[i - 1], listed[i]];
        expect(newer.created > older.created || (newer.created === older.created && newer.id > older.id)).toBe(true);
      }
      // The seed makes some subscriptions share a second, so the tie-break above is exercised.
      expect(listed.some((subscription, i) => i > 0 && subscription.created === listed[i - 1].created)).toBe(true);
    });

    it('pages backwards with ending_before, keeping newest-first order within a page', async () => {
      const first = await stripe.subscriptions.list({ status: 'all', limit: 5 });
      const second = await stripe.subscriptions.list({ status: 'all', limit: 5, starting_after: first.data[4].id });

      const back = await stripe.subscriptions.list({ status: 'all', limit: 5, ending_before: second.data[0].id });

      expect(back.data.map((subscription) => subscription.id)).toEqual(first.data.map((subscription) => subscription.id));
      expect(back.has_more).toBe(false);
      expect(second.has_more).toBe(true);
    });

    it('omits canceled subscriptions unless a status asks for them', async () => {
      const listed = await listAll(stripe);

      expect(byStatus('canceled').length).toBeGreaterThan(20);
      expect(listed).toHaveLength(250 - byStatus('canceled').length);
      expect(listed.some((subscription) => subscription.status === 'canceled')).toBe(false);
    });

    it("filters 'ended' to canceled and incomplete_expired, with their end times set", async () => {
      const listed = await listAll(stripe, { status: 'ended' });

      const expected = byStatus('canceled', 'incomplete_expired').map((subscription) => subscription.id);
      expect(listed.map((subscription) => subscription.id).sort()).toEqual(expected.sort());
      for (const subscription of listed) expect(subscription.ended_at).toBeGreaterThanOrEqual(subscription.created);
      for (const subscription of listed.filter((s) => s.status === 'canceled'))
        expect(subscription.canceled_at).toBe(subscription.ended_at);
    });

    it('filters by one exact status and rejects an unknown one', async () => {
      const trialing = await listAll(stripe, { status: 'trialing' });
      expect(trialing.map((subscription) => subscription.id).sort()).toEqual(
        byStatus('trialing')
          .map((s) => s.id)
          .sort(),
      );
      expect(trialing.length).toBeGreaterThan(0);

      const error = await rejection(stripe.subscriptions.list({ status: 'sleeping' as Stripe.SubscriptionListParams.Status }));
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(400);
      expect(error.param).toBe('status');
    });

    it('filters by customer', async () => {
      const customer = seeded[0].customer as string;
      const listed = await listAll(stripe, { customer, status: 'all' });

      const expected = seeded.filter((subscription) => subscription.customer === customer).map((s) => s.id);
      expect(listed.map((subscription) => subscription.id).sort()).toEqual(expected.sort());
    });

    it('filters by created[gte] and created[lt]', async () => {
      const times = seeded.map((subscription) => subscription.created).sort((a, b) => a - b);
      const [gte, lt] = [times[50], times[200]];

      const listed = await listAll(stripe, { status: 'all', created: { gte, lt } });

      const expected = seeded.filter((s) => s.created >= gte && s.created < lt).map((s) => s.id);
      expect(expected.length).toBeGreaterThan(100);
      expect(listed.map((subscription) => subscription.id).sort()).toEqual(expected.sort());
      const exact = await listAll(stripe, { status: 'all', created: gte });
      expect(exact.map((subscription) => subscription.created)).toEqual(times.filter((time) => time === gte));
    });

    it.each([0, 101])('rejects limit %i with a 400 naming the param', async (limit) => {
      const error = await rejection(stripe.subscriptions.list({ limit }));

      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(400);
      expect(error.param).toBe('limit');
    });

    it('rejects starting_after together with ending_before', async () => {
      const [a, b] = emulator.listSubscriptionIds();
      const error = await rejection(stripe.subscriptions.list({ starting_after: a, ending_before: b }));

      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(400);
    });

    it('rejects an unknown cursor with 400 resource_missing', async () => {
      const error = await rejection(stripe.subscriptions.list({ starting_after: 'sub_doesnotexist' }));

      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('resource_missing');
      expect(error.param).toBe('starting_after');
    });

    it('rejects parameters it does not support instead of ignoring them', async () => {
      const error = await rejection(stripe.subscriptions.list({ price: 'price_x' }));

      expect(error.statusCode).toBe(400);
      expect(error.param).toBe('price');
      // Expansion is accepted and ignored.
      const page = await stripe.subscriptions.list({ limit: 1, expand: ['data.customer'] });
      expect(typeof page.data[0].customer).toBe('string');
    });
  });

  describe('retrieving a subscription and its items', () => {
    const withManyItems = () => seeded.find((subscription) => subscription.items.data.length > 12)!;

    it('answers 404 resource_missing for an unknown id', async () => {
      const error = await rejection(stripe.subscriptions.retrieve('sub_missing'));

      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('resource_missing');
      expect(error.message).toBe("No such subscription: 'sub_missing'");
    });

    it('finds a generated subscription only by its exact id', async () => {
      const { id } = seeded[0];
      // Characters 9..16 after the prefix are random only, so this id points at the same record.
      const lookAlike = `${id.slice(0, 13)}${id[13] === 'a' ? 'b' : 'a'}${id.slice(14)}`;

      expect((await stripe.subscriptions.retrieve(id)).id).toBe(id);
      expect((await rejection(stripe.subscriptions.retrieve(lookAlike))).statusCode).toBe(404);
      expect(emulator.getSubscription(lookAlike)).toBeUndefined();
    });

    it('embeds at most 10 items, with has_more and the url of the rest', async () => {
      const full = withManyItems();

      const retrieved = await stripe.subscriptions.retrieve(full.id);

      expect(retrieved.items.data.map((item) => item.id)).toEqual(full.items.data.slice(0, 10).map((item) => item.id));
      expect(retrieved.items.has_more).toBe(true);
      expect(retrieved.items.url).toBe(`/v1/subscription_items?subscription=${full.id}`);
      const listed = (await listAll(stripe, { status: 'all' })).find((subscription) => subscription.id === full.id);
      expect(listed?.items.data).toHaveLength(10);
      expect(listed?.items.has_more).toBe(true);
    });

    it('pages through all items of a subscription', async () => {
      const full = withManyItems();

      const items = await stripe.subscriptionItems.list({ subscription: full.id, limit: 4 }).autoPagingToArray({ limit: 100 });

      expect(items.map((item) => item.id)).toEqual(full.items.data.map((item) => item.id));
      for (const item of items) {
        expect(item.subscription).toBe(full.id);
        expect(item.current_period_start).toBeLessThan(item.current_period_end);
      }
    });

    it('requires an existing subscription to list items', async () => {
      const missing = await rejection(stripe.subscriptionItems.list({ subscription: 'sub_missing' }));
      expect(missing.statusCode).toBe(404);
      expect(missing.code).toBe('resource_missing');

      const absent = await rejection(stripe.subscriptionItems.list({} as Stripe.SubscriptionItemListParams));
      expect(absent.statusCode).toBe(400);
      expect(absent.param).toBe('subscription');
    });
  });

  describe('seed data', () => {
    it('has the fields of Stripe sample objects and Stripe-shaped ids', () => {
      for (const subscription of seeded) {
        expect(Object.keys(subscription).sort()).toEqual(Object.keys(subscriptionTemplate).sort());
        expect(subscription.id).toMatch(/^sub_[A-Za-z0-9]{24}$/);
        expect(subscription.customer).toMatch(/^cus_[A-Za-z0-9]{14}$/);
        expect(subscription.items.data.length).toBeGreaterThanOrEqual(1);
        expect(subscription.items.data.length).toBeLessThanOrEqual(15);
        for (const item of subscription.items.data) {
          expect(Object.keys(item).sort()).toEqual(Object.keys(subscriptionItemTemplate).sort());
          expect(item.id).toMatch(/^si_[A-Za-z0-9]{14}$/);
          expect(item.price.id).toMatch(/^price_[A-Za-z0-9]{24}$/);
          expect(item.price.product).toMatch(/^prod_[A-Za-z0-9]{14}$/);
          expect(item.price.currency).toBe(subscription.currency);
          expect(item.current_period_start).toBeLessThan(item.current_period_end);
        }
      }
      for (const subscription of byStatus('trialing')) expect(subscription.trial_end).toBeGreaterThan(NOW);
      expect(byStatus('active').length).toBeGreaterThan(byStatus('past_due', 'unpaid', 'paused', 'trialing').length);
      expect(seeded.some((subscription) => subscription.items.data.length > 10)).toBe(true);
      expect(seeded.every((subscription) => subscription.created > NOW - 3 * 366 * 86_400 && subscription.created <= NOW)).toBe(true);
    });

    it('is deterministic: the same seed gives the same data, another seed other data', async () => {
      const twin = await StripeEmulator.start({ seed: SEED });
      const other = await StripeEmulator.start({ seed: { ...SEED, seed: 8 } });
      try {
        expect(twin.listSubscriptionIds()).toEqual(emulator.listSubscriptionIds());
        expect(twin.listSubscriptionIds().map((id) => twin.getSubscription(id))).toEqual(seeded);
        expect(other.listSubscriptionIds().filter((id) => emulator.getSubscription(id))).toEqual([]);
      } finally {
        await Promise.all([twin.stop(), other.stop()]);
      }
    });

    it('gives every generated item an id of its own, across subscriptions and seed calls', async () => {
      // This seed once gave two subscriptions items with the same ids.
      const many = await StripeEmulator.start({ seed: { subscriptions: 800, seed: 35 } });
      try {
        many.seed({ subscriptions: 800, seed: 35 });
        const ids = many.listSubscriptionIds().flatMap((id) => many.getSubscription(id)!.items.data.map((item) => item.id));
        expect(ids.length).toBeGreaterThan(1600);
        expect(new Set(ids).size).toBe(ids.length);
      } finally {
        await many.stop();
      }
    });

    it('keeps ids unique when the same seed is applied twice', async () => {
      const twice = await StripeEmulator.start({ seed: { ...SEED, subscriptions: 50 } });
      try {
        twice.seed({ ...SEED, subscriptions: 50 });
        expect(new Set(twice.listSubscriptionIds()).size).toBe(100);
      } finally {
        await twice.stop();
      }
    });
  });
});

describe('StripeEmulator stop', () => {
  it('can be called again, as by two signals: both calls resolve once the server is closed', async () => {
    const emulator = await StripeEmulator.start();
    await Promise.all([emulator.stop(), emulator.stop()]);
    await emulator.stop();
    await expect(fetch(`${emulator.url}/_emulator/stats`)).rejects.toThrow();
  });
});

describe('StripeEmulator authentication', () => {
  let emulator: StripeEmulator;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: 3 });
  });

  afterAll(() => emulator.stop());

  it('answers 401 without a key, in Stripe JSON with a request id', async () => {
    const response = await fetch(`${emulator.url}/v1/subscriptions`);

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('request-id')).toMatch(/^req_[A-Za-z0-9]{14}$/);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^You did not provide an API key/);
  });

  it('answers 401 to a key that is not a Stripe secret key, without echoing it', async () => {
    const error = await rejection(clientFor(emulator, 'pk_test_abcdefghijklmnop1234').subscriptions.list());

    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toBe('Invalid API Key provided: pk_test_****************1234');
  });

  it('accepts only the configured keys when apiKeys is given', async () => {
    const strict = await StripeEmulator.start({ apiKeys: ['sk_test_right'], seed: 2 });
    try {
      const error = await rejection(clientFor(strict, 'sk_test_wrong').subscriptions.list());
      expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect((await clientFor(strict, 'sk_test_right').subscriptions.list()).data).toHaveLength(strict.listSubscriptionIds().length);
    } finally {
      await strict.stop();
    }
  });

  it('answers an unknown URL with 404 in Stripe JSON', async () => {
    const response = await fetch(`${emulator.url}/v1/foo`, { headers: { Authorization: 'Bearer sk_test_1' } });

    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/foo\)/);
  });

  it('answers a method the emulator does not serve on a known path with 404, counted under that method', async () => {
    emulator.resetStats();
    const response = await fetch(`${emulator.url}/v1/subscriptions/sub_x`, {
      method: 'PUT',
      headers: { Authorization: 'Bearer sk_test_1' },
    });

    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^Unrecognized request URL \(PUT: \/v1\/subscriptions\/sub_x\)/);
    expect(emulator.stats.byRoute).toEqual({ 'PUT /v1/subscriptions/:id': 1 });
  });
});

describe('StripeEmulator request accounting and faults', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let id: string;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: 20 });
    stripe = clientFor(emulator);
    [id] = emulator.listSubscriptionIds();
  });

  afterAll(() => emulator.stop());

  it('counts requests per route', async () => {
    emulator.resetStats();

    await stripe.subscriptions.list();
    await stripe.subscriptions.list({ limit: 3 });
    await stripe.subscriptions.retrieve(id);
    await stripe.subscriptionItems.list({ subscription: id });
    await rejection(stripe.subscriptions.retrieve('sub_missing'));

    expect(emulator.stats).toEqual({
      total: 5,
      byRoute: { 'GET /v1/subscriptions': 2, 'GET /v1/subscriptions/:id': 2, 'GET /v1/subscription_items': 1 },
      byAccount: { platform: 5 },
      rateLimited: 0,
    });
  });

  it('fails exactly `times` matching requests after letting `after` through, and counts them', async () => {
    emulator.resetStats();
    emulator.injectFault({ route: 'GET /v1/subscriptions', times: 2, after: 1 });

    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      await stripe.subscriptions.retrieve(id); // another route: never faulted
      const error = await stripe.subscriptions.list().then(
        () => undefined,
        (e: Stripe.errors.StripeError) => e,
      );
      outcomes.push(error ? `${error.statusCode} ${error.type}` : 'ok');
    }

    expect(outcomes).toEqual(['ok', '500 StripeAPIError', '500 StripeAPIError', 'ok']);
    expect(emulator.stats.byRoute['GET /v1/subscriptions']).toBe(4);
    expect(emulator.stats.total).toBe(8);
  });

  it('answers a 429 fault in Stripe rate-limit shape', async () => {
    emulator.resetStats();
    emulator.injectFault({ status: 429 });

    const error = await rejection(stripe.subscriptions.retrieve(id));

    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe('rate_limit');
    expect(error.headers?.['stripe-rate-limited-reason']).toBe('global-rate');
    expect(emulator.stats.rateLimited).toBe(1);
    expect((await stripe.subscriptions.retrieve(id)).id).toBe(id);
  });

  it('drops pending faults on clearFaults', async () => {
    emulator.injectFault({ times: 5 });
    emulator.clearFaults();

    expect((await stripe.subscriptions.retrieve(id)).id).toBe(id);
  });
});

describe('StripeEmulator state changes', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 30, now: NOW, canceledShare: 0 } });
    stripe = clientFor(emulator);
  });

  afterAll(() => emulator.stop());

  it('removeSubscription makes retrieve answer 404 and list forget it', async () => {
    const [id] = emulator.listSubscriptionIds();

    emulator.removeSubscription(id);

    expect((await rejection(stripe.subscriptions.retrieve(id))).statusCode).toBe(404);
    expect((await listAll(stripe, { status: 'all' })).map((subscription) => subscription.id)).not.toContain(id);
    expect(emulator.getSubscription(id)).toBeUndefined();
  });

  it('putSubscription adds a full object that list, retrieve and items serve', async () => {
    const template = emulator.getSubscription(emulator.listSubscriptionIds()[0])!;
    const id = 'sub_PutByTheTest0000000001';
    const items = Array.from({ length: 12 }, (_, i) => ({
      ...template.items.data[0],
      id: `si_PutByTest${String(i).padStart(5, '0')}`,
      subscription: id,
    }));
    emulator.putSubscription({
      ...template,
      id,
      created: NOW + 60,
      items: { ...template.items, data: items, url: `/v1/subscription_items?subscription=${id}` },
    });

    const [newest] = (await stripe.subscriptions.list({ limit: 1 })).data;
    expect(newest.id).toBe(id);
    expect(newest.items.data).toHaveLength(10);
    expect(newest.items.has_more).toBe(true);
    const listedItems = await stripe.subscriptionItems.list({ subscription: id, limit: 100 });
    expect(listedItems.data.map((item) => item.id)).toEqual(items.map((item) => item.id));
    expect(emulator.getSubscription(id)?.items.data).toHaveLength(12);
  });

  it('putSubscription accepts an object read through the SDK', async () => {
    const [id] = emulator.listSubscriptionIds();
    const read = await stripe.subscriptions.retrieve(id);

    emulator.putSubscription({ ...read, metadata: { round: 'trip' } });

    const again = await stripe.subscriptions.retrieve(id);
    expect(again.metadata).toEqual({ round: 'trip' });
    expect(String(again.items.data[0].price.unit_amount_decimal)).toBe(String(read.items.data[0].price.unit_amount_decimal));
  });

  it('updateSubscription merges top-level fields, visible in list and retrieve', async () => {
    const [id] = emulator.listSubscriptionIds();
    const before = emulator.getSubscription(id)!;

    const updated = emulator.updateSubscription(id, { status: 'canceled', canceled_at: NOW, ended_at: NOW, metadata: { reason: 'test' } });

    expect(updated.status).toBe('canceled');
    expect(updated.items).toEqual(before.items);
    const retrieved = await stripe.subscriptions.retrieve(id);
    expect([retrieved.status, retrieved.ended_at, retrieved.metadata]).toEqual(['canceled', NOW, { reason: 'test' }]);
    expect((await listAll(stripe)).map((subscription) => subscription.id)).not.toContain(id);
    expect((await listAll(stripe, { status: 'canceled' })).map((subscription) => subscription.id)).toEqual([id]);
    expect(() => emulator.updateSubscription('sub_missing', { metadata: {} })).toThrow(/sub_missing/);
  });
});
