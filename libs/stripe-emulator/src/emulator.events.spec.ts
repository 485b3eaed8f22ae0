import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { StripeEmulator } from './index.js';
import { clientFor, rejection } from './emulator.test-support.js';

const NOW = 1_780_000_000;

describe('StripeEmulator writes and events', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  /** A price of the seeded catalog, and one from another currency. */
  let price: Stripe.Price;
  let otherCurrencyPrice: Stripe.Price;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 40, seed: 5, now: NOW } });
    stripe = clientFor(emulator);
    const prices = emulator.listSubscriptionIds().flatMap((id) => emulator.getSubscription(id)!.items.data.map((item) => item.price));
    price = prices[0];
    otherCurrencyPrice = prices.find((candidate) => candidate.currency !== price.currency)!;
  });

  afterAll(() => emulator.stop());

  /** Each test's frozen time, later than the last test's, so that the newest event is the test's own. */
  let now = NOW;

  beforeEach(() => {
    now += 3600;
    emulator.setClock(now);
  });

  /** The events raised since `since` (an event id), oldest first. */
  async function eventsSince(since?: Stripe.Event): Promise<Stripe.Event[]> {
    const page = await stripe.events.list({ limit: 100, ...(since && { ending_before: since.id }) });
    return page.data.reverse();
  }

  async function latestEvent(): Promise<Stripe.Event | undefined> {
    return (await stripe.events.list({ limit: 1 })).data[0];
  }

  async function created(params: Partial<Stripe.SubscriptionCreateParams> = {}): Promise<Stripe.Subscription> {
    return stripe.subscriptions.create({ customer: 'cus_Writer0000001', items: [{ price: price.id }], ...params });
  }

  describe('creating', () => {
    it('creates a subscription with catalog and made-up prices, and raises customer.subscription.created', async () => {
      const before = await latestEvent();

      const subscription = await stripe.subscriptions.create({
        customer: 'cus_Writer0000001',
        items: [{ price: price.id, quantity: 3 }, { price: 'price_madeUpByTheTest' }],
        metadata: { order: 'A-1' },
      });

      expect(subscription.id).toMatch(/^sub_[A-Za-z0-9]{24}$/);
      expect([subscription.status, subscription.created, subscription.start_date, subscription.customer]).toEqual([
        'active',
        now,
        now,
        'cus_Writer0000001',
      ]);
      expect(subscription.metadata).toEqual({ order: 'A-1' });
      const [first, second] = subscription.items.data;
      expect(first.price.id).toBe(price.id);
      expect(first.price.product).toBe(price.product);
      expect(first.price.unit_amount).toBe(price.unit_amount);
      expect(first.quantity).toBe(3);
      expect(second.price.id).toBe('price_madeUpByTheTest');
      expect(second.price.product).toMatch(/^prod_[A-Za-z0-9]{14}$/);
      expect(second.quantity).toBe(1);
      for (const item of subscription.items.data) {
        expect(item.id).toMatch(/^si_[A-Za-z0-9]{14}$/);
        expect(item.subscription).toBe(subscription.id);
        expect(item.current_period_start).toBe(now);
        expect(item.current_period_end).toBeGreaterThan(now);
      }

      const [event, ...more] = await eventsSince(before);
      expect(more).toEqual([]);
      expect(event.type).toBe('customer.subscription.created');
      expect(event).toMatchObject({
        object: 'event',
        api_version: '2026-10-28.endive',
        created: now,
        livemode: false,
        pending_webhooks: 0,
      });
      expect(event.id).toMatch(/^evt_[A-Za-z0-9]{24}$/);
      expect(event.data.object).toEqual(JSON.parse(JSON.stringify(subscription)));
      expect(event.data.previous_attributes).toBeUndefined();
      expect(event.request?.id).toBe(subscription.lastResponse.requestId);
      expect(event.request?.idempotency_key).toMatch(/^stripe-node-retry-/);
      expect((await stripe.subscriptions.retrieve(subscription.id)).items.data).toHaveLength(2);
    });

    it('starts a trial from trial_period_days or trial_end, and honours cancel_at_period_end', async () => {
      const byDays = await created({ trial_period_days: 14 });
      const byEnd = await created({ trial_end: now + 86_400, cancel_at_period_end: true });

      expect([byDays.status, byDays.trial_start, byDays.trial_end]).toEqual(['trialing', now, now + 14 * 86_400]);
      expect(byDays.items.data[0].current_period_end).toBe(now + 14 * 86_400);
      expect([byEnd.status, byEnd.trial_end, byEnd.cancel_at_period_end, byEnd.cancel_at]).toEqual([
        'trialing',
        now + 86_400,
        true,
        now + 86_400,
      ]);
    });

    it.each([
      ['no customer', { items: [{ price: 'price_x' }] }, 'customer', 'parameter_missing'],
      ['no items', { customer: 'cus_x' }, 'items', 'parameter_missing'],
      ['an item without a price', { customer: 'cus_x', items: [{ quantity: 2 }] }, 'items[0][price]', 'parameter_missing'],
      ['an unknown parameter', { customer: 'cus_x', items: [{ price: 'price_x' }], description: 'x' }, 'description', 'parameter_unknown'],
      ['a trial end in the past', { customer: 'cus_x', items: [{ price: 'price_x' }], trial_end: NOW }, 'trial_end', undefined],
    ])('rejects %s with 400', async (_, params, param, code) => {
      const error = await rejection(stripe.subscriptions.create(params));

      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(400);
      expect(error.param).toBe(param);
      expect(error.code).toBe(code);
    });

    it('rejects items in two currencies or with the same price twice', async () => {
      const currencies = await rejection(created({ items: [{ price: price.id }, { price: otherCurrencyPrice.id }] }));
      const twice = await rejection(created({ items: [{ price: price.id }, { price: price.id }] }));

      expect([currencies.statusCode, currencies.param]).toEqual([400, 'items']);
      expect([twice.statusCode, twice.param]).toEqual([400, 'items']);
    });
  });

  describe('updating', () => {
    it('merges metadata, an empty value deleting a key, with only the changed keys in previous_attributes', async () => {
      const subscription = await created({ metadata: { keep: 'k', change: 'old', drop: 'd' } });

      const updated = await stripe.subscriptions.update(subscription.id, { metadata: { change: 'new', drop: '', add: 'a' } });

      expect(updated.metadata).toEqual({ keep: 'k', change: 'new', add: 'a' });
      const event = (await latestEvent())!;
      expect(event.type).toBe('customer.subscription.updated');
      expect(event.data.object).toEqual(JSON.parse(JSON.stringify(updated)));
      expect(event.data.previous_attributes).toEqual({ metadata: { change: 'old', drop: 'd', add: null } });
      expect(event.request?.id).toBe(updated.lastResponse.requestId);
    });

    it('sets and unsets cancel_at_period_end, recording the previous cancellation fields', async () => {
      const subscription = await created();
      emulator.setClock(now + 60);

      const canceling = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });

      expect([canceling.cancel_at_period_end, canceling.cancel_at, canceling.canceled_at]).toEqual([
        true,
        subscription.items.data[0].current_period_end,
        now + 60,
      ]);
      expect(canceling.cancellation_details?.reason).toBe('cancellation_requested');
      expect((await latestEvent())!.data.previous_attributes).toEqual({
        cancel_at_period_end: false,
        cancel_at: null,
        canceled_at: null,
        cancellation_details: { reason: null },
      });

      const resumed = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });

      expect([resumed.cancel_at_period_end, resumed.cancel_at, resumed.canceled_at, resumed.cancellation_details?.reason]).toEqual([
        false,
        null,
        null,
        null,
      ]);
      expect((await latestEvent())!.data.previous_attributes).toMatchObject({ cancel_at_period_end: true, canceled_at: now + 60 });
    });

    it('changes, deletes and adds items, with the previous item list in previous_attributes', async () => {
      const subscription = await stripe.subscriptions.create({
        customer: 'cus_Writer0000001',
        items: [{ price: price.id }, { price: 'price_secondItem' }],
      });
      const [first, second] = subscription.items.data;

      const updated = await stripe.subscriptions.update(subscription.id, {
        items: [
          { id: first.id, quantity: 7 },
          { id: second.id, deleted: true },
          { price: 'price_thirdItem', quantity: 2 },
        ],
      });

      expect(updated.items.data.map((item) => [item.id === first.id ? 'first' : item.price.id, item.quantity])).toEqual([
        ['first', 7],
        ['price_thirdItem', 2],
      ]);
      // A new item joins the current period.
      expect(updated.items.data[1].current_period_end).toBe(first.current_period_end);
      const previous = (await latestEvent())!.data.previous_attributes as { items: Stripe.ApiList<Stripe.SubscriptionItem> };
      expect(Object.keys(previous)).toEqual(['items']);
      expect(previous.items.data.map((item) => [item.id, item.quantity])).toEqual([
        [first.id, 1],
        [second.id, 1],
      ]);

      const unknown = await rejection(stripe.subscriptions.update(subscription.id, { items: [{ id: 'si_missing', quantity: 1 }] }));
      expect([unknown.statusCode, unknown.code, unknown.param]).toEqual([400, 'resource_missing', 'items[0][id]']);
    });

    it('sets and unsets pause_collection', async () => {
      const subscription = await created();

      const paused = await stripe.subscriptions.update(subscription.id, { pause_collection: { behavior: 'void' } });
      expect(paused.pause_collection).toEqual({ behavior: 'void', resumes_at: null });
      expect((await latestEvent())!.data.previous_attributes).toEqual({ pause_collection: null });

      const resumed = await stripe.subscriptions.update(subscription.id, { pause_collection: '' });
      expect(resumed.pause_collection).toBeNull();
      expect((await latestEvent())!.data.previous_attributes).toEqual({ pause_collection: { behavior: 'void', resumes_at: null } });
    });

    it('does not let status be set, and answers 404 for an unknown subscription', async () => {
      const subscription = await created();

      const status = await rejection(
        stripe.subscriptions.update(subscription.id, { status: 'canceled' } as Stripe.SubscriptionUpdateParams),
      );
      const missing = await rejection(stripe.subscriptions.update('sub_missing', { metadata: { a: 'b' } }));

      expect([status.statusCode, status.code, status.param]).toEqual([400, 'parameter_unknown', 'status']);
      expect(status.message).toMatch(/^Received unknown parameter: status/);
      expect([missing.statusCode, missing.code]).toEqual([404, 'resource_missing']);
      expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
    });

    it('raises no event for an update that changes nothing', async () => {
      const subscription = await created({ metadata: { same: 'value' } });
      const before = await latestEvent();

      await stripe.subscriptions.update(subscription.id, { metadata: { same: 'value' } });

      expect(await eventsSince(before)).toEqual([]);
    });
  });

  describe('canceling', () => {
    it('cancels at once, keeps the object retrievable and listed under status=all, and raises customer.subscription.deleted', async () => {
      const subscription = await created();
      emulator.setClock(now + 60);

      const canceled = await stripe.subscriptions.cancel(subscription.id);

      expect([canceled.status, canceled.canceled_at, canceled.ended_at]).toEqual(['canceled', now + 60, now + 60]);
      const event = (await latestEvent())!;
      expect([event.type, event.created, event.data.previous_attributes]).toEqual(['customer.subscription.deleted', now + 60, undefined]);
      expect(event.data.object).toEqual(JSON.parse(JSON.stringify(canceled)));
      expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
      const listed = (status?: Stripe.SubscriptionListParams.Status) =>
        stripe.subscriptions.list({ customer: 'cus_Writer0000001', limit: 100, status }).then((page) => page.data.map((s) => s.id));
      expect(await listed('all')).toContain(subscription.id);
      expect(await listed()).not.toContain(subscription.id);
    });

    it('lets a canceled subscription update only its metadata, and answers a second cancel with 404', async () => {
      const subscription = await created();
      await stripe.subscriptions.cancel(subscription.id);

      const blocked = await rejection(stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true }));
      const relabeled = await stripe.subscriptions.update(subscription.id, { metadata: { archived: 'yes' } });
      const again = await rejection(stripe.subscriptions.cancel(subscription.id));

      expect(blocked.statusCode).toBe(400);
      expect(blocked.message).toBe('A canceled subscription can only update its cancellation_details and metadata.');
      expect(relabeled.metadata).toEqual({ archived: 'yes' });
      expect([again.statusCode, again.code]).toEqual([404, 'resource_missing']);
    });
  });

  describe('the event list', () => {
    /** Three events in one frozen second, on a fresh emulator so that nothing else is listed. */
    let quiet: StripeEmulator;
    let quietStripe: Stripe;
    let events: Stripe.Event[];

    beforeAll(async () => {
      quiet = await StripeEmulator.start();
      quietStripe = clientFor(quiet);
      quiet.setClock(NOW);
      const subscription = await quietStripe.subscriptions.create({ customer: 'cus_Quiet', items: [{ price: 'price_q' }] });
      await quietStripe.subscriptions.update(subscription.id, { metadata: { step: '1' } });
      await quietStripe.subscriptions.update(subscription.id, { metadata: { step: '2' } });
      quiet.setClock(NOW + 10);
      await quietStripe.subscriptions.cancel(subscription.id);
      quiet.emitEvent('invoice.paid', { id: 'in_Quiet', object: 'invoice' });
      events = (await quietStripe.events.list({ limit: 100 })).data;
    });

    afterAll(() => quiet.stop());

    it('lists newest first; events of one second in the order they happened', () => {
      expect(events.map((event) => [event.type, event.created])).toEqual([
        ['invoice.paid', NOW + 10],
        ['customer.subscription.deleted', NOW + 10],
        ['customer.subscription.updated', NOW],
        ['customer.subscription.updated', NOW],
        ['customer.subscription.created', NOW],
      ]);
      const steps = events.filter((event) => event.type === 'customer.subscription.updated');
      expect(steps.map((event) => event.data.object.metadata.step)).toEqual(['2', '1']);
    });

    it('pages with starting_after and ending_before through events of one second', async () => {
      const ids = events.map((event) => event.id);

      const second = await quietStripe.events.list({ limit: 2, starting_after: ids[1] });
      const back = await quietStripe.events.list({ limit: 2, ending_before: ids[4] });

      expect([second.data.map((event) => event.id), second.has_more]).toEqual([ids.slice(2, 4), true]);
      expect([back.data.map((event) => event.id), back.has_more]).toEqual([ids.slice(2, 4), true]);
      const all = await quietStripe.events.list({ limit: 2 }).autoPagingToArray({ limit: 10 });
      expect(all.map((event) => event.id)).toEqual(ids);
    });

    it('filters by type, exact or with a wildcard, by types, and by created', async () => {
      const types = async (params: Stripe.EventListParams) => (await quietStripe.events.list(params)).data.map((event) => event.type);

      expect(await types({ type: 'customer.subscription.updated' })).toEqual([
        'customer.subscription.updated',
        'customer.subscription.updated',
      ]);
      expect(await types({ type: 'customer.subscription.*' })).toHaveLength(4);
      expect(await types({ type: '*.paid' })).toEqual(['invoice.paid']);
      expect(await types({ types: ['customer.subscription.created', 'invoice.paid'] })).toEqual([
        'invoice.paid',
        'customer.subscription.created',
      ]);
      expect(await types({ created: { gt: NOW } })).toEqual(['invoice.paid', 'customer.subscription.deleted']);
      expect(await types({ created: { lte: NOW }, type: 'customer.subscription.created' })).toEqual(['customer.subscription.created']);
      const both = await rejection(quietStripe.events.list({ type: 'invoice.paid', types: ['invoice.paid'] }));
      expect([both.statusCode, both.param]).toEqual([400, 'type']);
    });

    it('retrieves an event by id, and answers 404 for an unknown one', async () => {
      const retrieved = await quietStripe.events.retrieve(events[1].id);
      const missing = await rejection(quietStripe.events.retrieve('evt_missing'));
      const cursor = await rejection(quietStripe.events.list({ starting_after: 'evt_missing' }));

      expect(retrieved).toMatchObject({ id: events[1].id, type: 'customer.subscription.deleted' });
      expect([missing.statusCode, missing.code]).toEqual([404, 'resource_missing']);
      expect([cursor.statusCode, cursor.param]).toEqual([400, 'starting_after']);
    });
  });

  describe('event snapshots and programmatic events', () => {
    it('keeps data.object as it was when the event happened', async () => {
      const subscription = await created({ metadata: { version: '1' } });
      const [createdEvent] = (await stripe.events.list({ limit: 1 })).data;

      await stripe.subscriptions.update(subscription.id, { metadata: { version: '2' } });
      emulator.updateSubscription(subscription.id, { metadata: { version: '3' } });

      const again = await stripe.events.retrieve(createdEvent.id);
      expect((again.data.object as Stripe.Subscription).metadata).toEqual({ version: '1' });
    });

    it('emitEvent logs any object as given, with a subscription embedding at most 10 items', async () => {
      const many = emulator
        .listSubscriptionIds()
        .map((id) => emulator.getSubscription(id)!)
        .find((s) => s.items.data.length > 10)!;

      const trial = emulator.emitEvent('customer.subscription.trial_will_end', many);
      const invoice = emulator.emitEvent('invoice.paid', { id: 'in_Test', object: 'invoice', amount_paid: 900 } as {
        id: string;
        object: string;
      });

      const retrieved = await stripe.events.retrieve(trial.id);
      const object = retrieved.data.object as Stripe.Subscription;
      expect(object.items.data.map((item) => item.id)).toEqual(many.items.data.slice(0, 10).map((item) => item.id));
      expect(object.items.has_more).toBe(true);
      expect(retrieved.request).toEqual({ id: null, idempotency_key: null });
      expect((await stripe.events.retrieve(invoice.id)).data.object).toEqual({ id: 'in_Test', object: 'invoice', amount_paid: 900 });
    });

    it('raises no event for the programmatic mutators', async () => {
      const before = await latestEvent();
      const [id] = emulator.listSubscriptionIds();

      emulator.updateSubscription(id, { metadata: { quiet: 'yes' } });
      emulator.putSubscription({ ...emulator.getSubscription(id)!, id: 'sub_PutQuietly0000000000001' });
      emulator.removeSubscription('sub_PutQuietly0000000000001');

      expect(await eventsSince(before)).toEqual([]);
    });
  });
});
