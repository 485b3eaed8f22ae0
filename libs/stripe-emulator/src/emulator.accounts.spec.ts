import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { StripeEmulator, type StripeEmulatorObjectType } from './index.js';
import { clientFor, Receiver, rejection } from './emulator.test-support.js';

const NOW = 1_780_000_000;
const TYPES: StripeEmulatorObjectType[] = ['subscription', 'customer', 'product', 'price', 'invoice', 'payment_intent', 'charge', 'refund'];

/** Every id of every type an account's controls list. */
function allIds(view: Pick<StripeEmulator, 'listObjectIds'>): string[] {
  return TYPES.flatMap((type) => view.listObjectIds(type));
}

/** What Stripe answers for an account the key cannot act for. */
function expectAccountInvalid(error: Stripe.errors.StripeError, account: string): void {
  expect(error).toBeInstanceOf(Stripe.errors.StripePermissionError);
  expect(error).toMatchObject({ statusCode: 403, code: 'account_invalid', type: 'StripePermissionError' });
  expect(error.message).toMatch(
    new RegExp(
      `^The provided key 'sk_test_\\*+' does not have access to account '${account}' \\(or that account does not exist\\)\\. Application access may have been revoked\\.$`,
    ),
  );
}

describe('StripeEmulator Connect: accounts', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 10, now: NOW }, platformAccountId: 'acct_1PlatformEmu1ator' });
    emulator.setClock(NOW);
    stripe = clientFor(emulator);
  });

  afterAll(() => emulator.stop());

  it('answers GET /v1/account with the platform, and with a Stripe-Account header with that connected account', async () => {
    const made = emulator.createAccount({
      type: 'express',
      email: 'shop@example.com',
      country: 'FR',
      businessName: 'Le Shop',
      metadata: { tier: 'gold' },
    });

    const platform = await stripe.accounts.retrieveCurrent();
    const connected = await stripe.accounts.retrieveCurrent(undefined, { stripeAccount: made.id });

    expect(emulator.platformAccountId).toBe('acct_1PlatformEmu1ator');
    expect(platform).toMatchObject({
      id: 'acct_1PlatformEmu1ator',
      object: 'account',
      type: 'standard',
      controller: { type: 'account' },
      charges_enabled: true,
    });
    expect(made.id).toMatch(/^acct_1[0-9A-Za-z]{15}$/);
    expect(connected).toEqual(JSON.parse(JSON.stringify(made)));
    expect(connected).toMatchObject({
      object: 'account',
      type: 'express',
      email: 'shop@example.com',
      country: 'FR',
      default_currency: 'eur',
      business_profile: { name: 'Le Shop' },
      metadata: { tier: 'gold' },
      created: NOW,
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
      capabilities: { card_payments: 'active', transfers: 'active' },
      controller: { type: 'application', is_controller: true, stripe_dashboard: { type: 'express' } },
      requirements: { currently_due: [], disabled_reason: null },
      external_accounts: { object: 'list', url: `/v1/accounts/${made.id}/external_accounts` },
    });
    expect(await stripe.accounts.retrieve(made.id)).toEqual(connected);
    expect(await stripe.accounts.retrieve(emulator.platformAccountId)).toEqual(platform);
  });

  it('lists connected accounts newest first, ties by id, with cursors, created filters and limit', async () => {
    const local = await StripeEmulator.start();
    try {
      const client = clientFor(local);
      const ids = [NOW - 300, NOW - 200, NOW - 200, NOW - 100].map((created) => local.createAccount({ created }).id);
      const newestFirst = [ids[3], ...[ids[1], ids[2]].sort().reverse(), ids[0]];

      const first = await client.accounts.list({ limit: 2 });
      const next = await client.accounts.list({ limit: 2, starting_after: first.data[1].id });
      const back = await client.accounts.list({ limit: 2, ending_before: next.data[0].id });
      const older = await client.accounts.list({ created: { lt: NOW - 100, gte: NOW - 200 } });
      const all = await client.accounts.list({ limit: 100 }).autoPagingToArray({ limit: 100 });

      expect([first.object, first.url, first.has_more]).toEqual(['list', '/v1/accounts', true]);
      expect([...first.data, ...next.data].map((account) => account.id)).toEqual(newestFirst);
      expect(next.has_more).toBe(false);
      expect(back.data.map((account) => account.id)).toEqual(newestFirst.slice(0, 2));
      expect(older.data.map((account) => account.id)).toEqual(newestFirst.slice(1, 3));
      expect(all.map((account) => account.id)).toEqual(newestFirst);
      expect(local.listAccountIds()).toEqual(ids);
      const cursor = await rejection(client.accounts.list({ starting_after: 'acct_1Unknown' }));
      expect(cursor).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'starting_after' });
    } finally {
      await local.stop();
    }
  });

  it('creates an account through the API, not yet onboarded, updates it with an account.updated event, and deletes it', async () => {
    const created = await stripe.accounts.create({
      type: 'custom',
      country: 'GB',
      email: 'new@example.com',
      business_profile: { name: 'New Co' },
      metadata: { a: '1' },
    });
    expect(created).toMatchObject({
      type: 'custom',
      country: 'GB',
      default_currency: 'gbp',
      email: 'new@example.com',
      business_profile: { name: 'New Co' },
      metadata: { a: '1' },
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      controller: { requirement_collection: 'application', stripe_dashboard: { type: 'none' } },
    });
    expect(created.requirements!.currently_due).toContain('external_account');
    const platformEventsBefore = (await stripe.events.list({ limit: 1 })).data;

    const updated = await stripe.accounts.update(created.id, {
      email: 'owner@example.com',
      business_profile: { name: 'Renamed Co' },
      metadata: { b: '2' },
    });

    expect(updated).toMatchObject({ email: 'owner@example.com', business_profile: { name: 'Renamed Co' }, metadata: { a: '1', b: '2' } });
    const [event, ...more] = (await stripe.events.list({}, { stripeAccount: created.id })).data;
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: 'account.updated',
      account: created.id,
      created: NOW,
      data: { object: JSON.parse(JSON.stringify(updated)) },
    });
    // The dashboard shows the business name.
    expect(event.data.previous_attributes).toEqual({
      email: 'new@example.com',
      business_profile: { name: 'New Co' },
      metadata: { b: null },
      settings: { dashboard: { display_name: 'New Co' } },
    });
    expect((await stripe.events.list({ limit: 1 })).data).toEqual(platformEventsBefore);
    expect(await stripe.accounts.update(created.id, { email: 'owner@example.com' })).toEqual(updated);
    expect((await stripe.events.list({}, { stripeAccount: created.id })).data).toHaveLength(1);

    expect(await stripe.accounts.del(created.id)).toEqual({ id: created.id, object: 'account', deleted: true });

    expect(await rejection(stripe.accounts.retrieve(created.id))).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: `No such account: '${created.id}'`,
    });
    expect((await stripe.accounts.list({ limit: 100 })).data.map((account) => account.id)).not.toContain(created.id);
    expect(emulator.listAccountIds()).not.toContain(created.id);
    expectAccountInvalid(await rejection(stripe.customers.list({}, { stripeAccount: created.id })), created.id);
    expect(() => emulator.account(created.id)).toThrow(/No such connected account/);
    expect(() => emulator.createAccount({ id: created.id })).toThrow(/taken/);
  });

  it('rejects what Stripe rejects when creating and updating accounts', async () => {
    expect(await rejection(stripe.accounts.create({ email: 'x@example.com' }))).toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'type',
    });
    expect(await rejection(stripe.accounts.create({ type: 'other' as 'custom' }))).toMatchObject({ statusCode: 400, param: 'type' });
    expect(await rejection(stripe.accounts.create({ type: 'custom', country: 'usa' }))).toMatchObject({
      statusCode: 400,
      param: 'country',
    });
    expect(await rejection(stripe.accounts.create({ type: 'custom', default_currency: 'usd' }))).toMatchObject({
      code: 'parameter_unknown',
    });
    expect(await rejection(stripe.accounts.update('acct_1Unknown', { email: 'x@example.com' }))).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    expect(await rejection(stripe.accounts.del(emulator.platformAccountId))).toMatchObject({ statusCode: 400 });
    expect(() => emulator.createAccount({ id: 'acct_bad-id' })).toThrow(/Not an account id/);
    expect(() => emulator.createAccount({ country: 'usa' })).toThrow(/country/);
  });

  it('serves the accounts and webhook endpoint routes to the platform only', async () => {
    const { id } = emulator.createAccount();
    for (const call of [
      stripe.accounts.list({}, { stripeAccount: id }),
      stripe.accounts.retrieve(id, {}, { stripeAccount: id }),
      stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'] }, { stripeAccount: id }),
    ]) {
      expect(await rejection(call)).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError' });
    }
  });
});

describe('StripeEmulator Connect: data kept apart per account', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let a: string;
  let b: string;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 30, now: NOW, extraCustomers: 2, refundShare: 0.5 } });
    emulator.setClock(NOW);
    stripe = clientFor(emulator);
    // The same seed options in every account: the data still differs, and no id repeats.
    a = emulator.createAccount({ seed: { subscriptions: 30, now: NOW, extraCustomers: 2, refundShare: 0.5 } }).id;
    b = emulator.createAccount({ seed: { subscriptions: 30, now: NOW, extraCustomers: 2, refundShare: 0.5 } }).id;
  });

  afterAll(() => emulator.stop());

  it('gives every account its own objects of every type, with ids unique across accounts', () => {
    const ids = [allIds(emulator), allIds(emulator.account(a)), allIds(emulator.account(b))];
    for (const type of TYPES) expect(emulator.account(a).listObjectIds(type).length).toBeGreaterThan(0);
    expect(new Set(ids.flat()).size).toBe(ids.flat().length);
    // Each account's catalog is its own, and its items use it.
    const prices = new Set(emulator.account(a).listObjectIds('price'));
    for (const id of emulator.account(a).listSubscriptionIds()) {
      for (const item of emulator.account(a).getSubscription(id)!.items.data) expect(prices.has(item.price.id)).toBe(true);
    }
  });

  it('lists, with the header, the data of that account only, and without it the platform’s', async () => {
    const listed = async (stripeAccount?: string) =>
      (await stripe.subscriptions.list({ status: 'all', limit: 100 }, { stripeAccount })).data
        .map((subscription) => subscription.id)
        .sort();

    expect(await listed(a)).toEqual(emulator.account(a).listSubscriptionIds().sort());
    expect(await listed(b)).toEqual(emulator.account(b).listSubscriptionIds().sort());
    expect(await listed()).toEqual(emulator.listSubscriptionIds().sort());
    expect(await listed(emulator.platformAccountId)).toEqual(emulator.listSubscriptionIds().sort());
    const customers = await stripe.customers.list({ limit: 100 }, { stripeAccount: b });
    expect(customers.data.map((customer) => customer.id).sort()).toEqual(emulator.account(b).listObjectIds('customer').sort());
  });

  it.each(TYPES)('answers a %s of another account 404 resource_missing, exactly as a missing one', async (type) => {
    const retrieve = (id: string, stripeAccount?: string): Promise<unknown> => {
      const options = { stripeAccount };
      switch (type) {
        case 'subscription':
          return stripe.subscriptions.retrieve(id, {}, options);
        case 'customer':
          return stripe.customers.retrieve(id, {}, options);
        case 'product':
          return stripe.products.retrieve(id, {}, options);
        case 'price':
          return stripe.prices.retrieve(id, {}, options);
        case 'invoice':
          return stripe.invoices.retrieve(id, {}, options);
        case 'payment_intent':
          return stripe.paymentIntents.retrieve(id, {}, options);
        case 'charge':
          return stripe.charges.retrieve(id, {}, options);
        case 'refund':
          return stripe.refunds.retrieve(id, {}, options);
      }
    };
    const id = emulator.account(a).listObjectIds(type)[0];
    const missing = `${id.slice(0, -4)}zzzz`;

    expect(await retrieve(id, a)).toMatchObject({ id, object: type });
    for (const error of [await rejection(retrieve(id)), await rejection(retrieve(id, b)), await rejection(retrieve(missing, a))]) {
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
      expect(error.message).toMatch(/^No such [a-z_ ]+: '/);
    }
    expect((await rejection(retrieve(id, b))).message).toBe((await rejection(retrieve(id))).message);
  });

  it('writes with the header into that account only, and its events carry the account', async () => {
    const platformEvent = (await stripe.events.list({ limit: 1 })).data[0];
    const customer = await stripe.customers.create({ email: 'apart@example.com' }, { stripeAccount: a });
    const price = emulator.account(a).listObjectIds('price')[0];
    const subscription = await stripe.subscriptions.create(
      { customer: customer.id, items: [{ price }, { price: 'price_madeUpInA' }] },
      { stripeAccount: a },
    );

    expect(emulator.account(a).getObject('customer', customer.id)).toMatchObject({ email: 'apart@example.com' });
    expect(emulator.getObject('customer', customer.id)).toBeUndefined();
    expect(emulator.account(b).getSubscription(subscription.id)).toBeUndefined();
    // A price made up in a connected account gets a product of that account.
    const madeUp = subscription.items.data[1].price;
    expect(emulator.account(a).getObject('product', madeUp.product as string)).toBeDefined();
    expect(emulator.getObject('product', madeUp.product as string)).toBeUndefined();

    const events = (await stripe.events.list({ limit: 2 }, { stripeAccount: a })).data;
    expect(events.map((event) => [event.type, event.account])).toEqual([
      ['customer.subscription.created', a],
      ['customer.created', a],
    ]);
    expect(await stripe.events.retrieve(events[0].id, {}, { stripeAccount: a })).toEqual(events[0]);
    expect(await rejection(stripe.events.retrieve(events[0].id))).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    expect((await stripe.events.list({ limit: 1 })).data[0]).toEqual(platformEvent);
    expect(platformEvent?.account).toBeUndefined();
  });

  it('answers an unknown account in the header with 403 account_invalid, and counts requests per account', async () => {
    emulator.resetStats();
    await stripe.customers.list({ limit: 1 });
    await stripe.customers.list({ limit: 1 }, { stripeAccount: a });
    await stripe.customers.list({ limit: 1 }, { stripeAccount: a });
    const error = await rejection(stripe.customers.list({}, { stripeAccount: 'acct_1NotConnected00' }));

    expectAccountInvalid(error, 'acct_1NotConnected00');
    expect(emulator.stats.byAccount).toEqual({ platform: 1, [a]: 2, acct_1NotConnected00: 1 });
    expect(emulator.stats.total).toBe(4);
  });

  it('fails only the requests of the account a fault names, under one rate limit for every account', async () => {
    emulator.injectFault({ account: b, status: 500, times: 1 });
    expect(await rejection(stripe.customers.list({}, { stripeAccount: b }))).toMatchObject({ statusCode: 500 });
    await stripe.customers.list({}, { stripeAccount: b });

    emulator.setRateLimit({ perSecond: 2 });
    try {
      await stripe.customers.list({ limit: 1 });
      await stripe.customers.list({ limit: 1 }, { stripeAccount: a });
      expect(await rejection(stripe.customers.list({ limit: 1 }, { stripeAccount: b }))).toMatchObject({
        statusCode: 429,
        code: 'rate_limit',
      });
    } finally {
      emulator.setRateLimit(undefined);
    }
  });

  it('reports an account’s data on the control channel with ?account=, and the accounts the list shows', async () => {
    const ids = (await (await fetch(`${emulator.url}/_emulator/objects/ids?type=customer&limit=1000&account=${b}`)).json()) as {
      data: string[];
      total: number;
    };
    const stats = (await (await fetch(`${emulator.url}/_emulator/stats?account=${a}`)).json()) as {
      subscriptions: number;
      accounts: number;
      events: number;
    };
    const accounts = (await (await fetch(`${emulator.url}/_emulator/accounts/ids`)).json()) as { data: string[]; total: number };
    const unknown = await fetch(`${emulator.url}/_emulator/stats?account=acct_1Unknown`);

    expect(ids.data.sort()).toEqual(emulator.account(b).listObjectIds('customer').sort());
    expect(stats).toMatchObject({ subscriptions: emulator.account(a).listSubscriptionIds().length, accounts: 2 });
    expect(stats.events).toBeGreaterThan(0);
    expect(accounts).toMatchObject({ data: (await stripe.accounts.list()).data.map((account) => account.id), total: 2 });
    expect(unknown.status).toBe(400);
  });
});

describe('StripeEmulator Connect: events, webhooks and deauthorization', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let receiver: Receiver;
  let platformEndpoint: { id: string; secret: string };
  let connectEndpoint: { id: string; secret: string };
  let account: string;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 3, now: NOW } });
    stripe = clientFor(emulator);
    receiver = new Receiver();
    await receiver.listen();
    platformEndpoint = emulator.addWebhookEndpoint({ url: `${receiver.url}?platform` });
    connectEndpoint = emulator.addWebhookEndpoint({ url: `${receiver.url}?connect`, connect: true });
    account = emulator.createAccount({ businessName: 'Hooked', seed: { subscriptions: 3, now: NOW } }).id;
  });

  afterAll(async () => {
    await emulator.stop();
    await receiver.close();
  });

  /** The events each endpoint got since `from`, verified with that endpoint's secret. */
  function receivedSince(from: number): { platform: Stripe.Event[]; connect: Stripe.Event[] } {
    const verified = (secret: string) =>
      receiver.received.slice(from).flatMap((received) => {
        try {
          return [stripe.webhooks.constructEvent(received.body, received.headers['stripe-signature']!, secret)];
        } catch {
          return [];
        }
      });
    return { platform: verified(platformEndpoint.secret), connect: verified(connectEndpoint.secret) };
  }

  it('sends a connected account’s events, with account, to Connect endpoints, and the platform’s to the others', async () => {
    const from = receiver.received.length;
    const connected = await stripe.customers.create({ email: 'c@example.com' }, { stripeAccount: account });
    const own = await stripe.customers.create({ email: 'p@example.com' });
    const emitted = emulator.account(account).emitEvent('customer.updated', emulator.account(account).getObject('customer', connected.id)!);
    await emulator.waitForWebhooks();

    const { platform, connect } = receivedSince(from);
    expect(receiver.received.length - from).toBe(3);
    expect(platform.map((event) => [event.type, event.account, (event.data.object as Stripe.Customer).id])).toEqual([
      ['customer.created', undefined, own.id],
    ]);
    expect(connect.map((event) => [event.type, event.account, (event.data.object as Stripe.Customer).id])).toEqual([
      ['customer.created', account, connected.id],
      ['customer.updated', account, connected.id],
    ]);
    expect(emitted).toMatchObject({ account, type: 'customer.updated' });
  });

  it('creates a Connect endpoint through POST /v1/webhook_endpoints with connect=true', async () => {
    const created = await stripe.webhookEndpoints.create({
      url: `${receiver.url}?api`,
      enabled_events: ['customer.created'],
      connect: true,
    });
    try {
      expect(created).not.toHaveProperty('connect');
      const from = receiver.received.length;
      await stripe.customers.create({}, { stripeAccount: account });
      await stripe.customers.create({});
      await emulator.waitForWebhooks();

      const toApi = receiver.received.slice(from).filter((received) => {
        try {
          return !!stripe.webhooks.constructEvent(received.body, received.headers['stripe-signature']!, created.secret!);
        } catch {
          return false;
        }
      });
      expect(toApi.map((received) => (JSON.parse(received.body) as Stripe.Event).account)).toEqual([account]);
    } finally {
      await stripe.webhookEndpoints.del(created.id);
    }
  });

  it('deauthorizes an account: the event names the platform’s application, and requests for the account then fail as Stripe fails them', async () => {
    const from = receiver.received.length;

    const event = emulator.deauthorizeAccount(account);
    await emulator.waitForWebhooks();

    expect(event).toMatchObject({
      type: 'account.application.deauthorized',
      account,
      data: { object: { object: 'application', name: 'Emulated Platform' } },
    });
    expect((event.data.object as Stripe.Application).id).toMatch(/^ca_[0-9A-Za-z]{32}$/);
    expect(receivedSince(from)).toEqual({ platform: [], connect: [JSON.parse(JSON.stringify(event))] });
    expectAccountInvalid(await rejection(stripe.subscriptions.list({}, { stripeAccount: account })), account);
    expectAccountInvalid(await rejection(stripe.accounts.retrieveCurrent(undefined, { stripeAccount: account })), account);
    expectAccountInvalid(await rejection(stripe.accounts.retrieve(account)), account);
    expect((await stripe.accounts.list()).data.map((listed) => listed.id)).not.toContain(account);
    // The controls still reach its data; the account stays made, and what happens in it no longer reaches the platform.
    expect(emulator.account(account).listSubscriptionIds()).toHaveLength(3);
    const unsent = emulator
      .account(account)
      .emitEvent(
        'customer.updated',
        emulator.account(account).getObject('customer', emulator.account(account).listObjectIds('customer')[0])!,
      );
    await emulator.waitForWebhooks();
    expect(unsent.pending_webhooks).toBe(0);
    expect(receivedSince(from).connect.map((received) => received.id)).toEqual([event.id]);
    expect(emulator.listAccountIds()).toContain(account);
    expect(() => emulator.deauthorizeAccount(account)).toThrow(/already deauthorized/);
  });

  it('reauthorizes it: account.application.authorized, and the account is served again', async () => {
    const from = receiver.received.length;

    const event = emulator.reauthorizeAccount(account);
    await emulator.waitForWebhooks();

    expect(event).toMatchObject({ type: 'account.application.authorized', account, data: { object: { object: 'application' } } });
    expect(receivedSince(from).connect.map((received) => received.id)).toEqual([event.id]);
    expect((await stripe.subscriptions.list({ status: 'all' }, { stripeAccount: account })).data).toHaveLength(3);
    const events = (
      await stripe.events.list(
        { types: ['account.application.deauthorized', 'account.application.authorized'] },
        { stripeAccount: account },
      )
    ).data;
    expect(events.map((listed) => listed.type)).toEqual(['account.application.authorized', 'account.application.deauthorized']);
    expect(() => emulator.reauthorizeAccount(account)).toThrow(/already authorized/);
    expect(() => emulator.deauthorizeAccount('acct_1Unknown')).toThrow(/No such connected account/);
  });
});

describe('StripeEmulator Connect: account views', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 5, now: NOW } });
    stripe = clientFor(emulator);
  });

  afterAll(() => emulator.stop());

  it('reads and changes one account’s data, as the emulator’s own controls do the platform’s', async () => {
    const { id } = emulator.createAccount({ id: 'acct_1ViewedAccount00' });
    const view = emulator.account(id);
    const platformIds = emulator.listSubscriptionIds();

    view.seed({ subscriptions: 4, now: NOW });
    const [first] = view.listSubscriptionIds();
    view.putSubscription({ ...view.getSubscription(first)!, id: 'sub_putInTheView', metadata: { put: 'yes' } });
    view.updateSubscription('sub_putInTheView', { description: 'patched' });
    view.removeSubscription(first);
    const customer = view.getObject('customer', view.listObjectIds('customer')[0])!;
    view.putObject({ ...(customer as Stripe.Customer), id: 'cus_putInTheView' });
    view.removeObject('customer', customer.id);

    expect(view.id).toBe(id);
    expect(view.retrieve()).toMatchObject({ id, object: 'account' });
    expect(view.listSubscriptionIds()).toHaveLength(4);
    expect(view.getObject('subscription', 'sub_putInTheView')).toMatchObject({ description: 'patched', metadata: { put: 'yes' } });
    expect(await stripe.subscriptions.retrieve('sub_putInTheView', {}, { stripeAccount: id })).toMatchObject({ description: 'patched' });
    expect(await rejection(stripe.subscriptions.retrieve(first, {}, { stripeAccount: id }))).toMatchObject({ statusCode: 404 });
    expect(await stripe.customers.retrieve('cus_putInTheView', {}, { stripeAccount: id })).toMatchObject({ id: 'cus_putInTheView' });
    expect(view.getObject('customer', customer.id)).toBeUndefined();
    // The emulator's own controls stay the platform's.
    expect(emulator.listSubscriptionIds()).toEqual(platformIds);
    expect(emulator.getSubscription('sub_putInTheView')).toBeUndefined();
    expect(emulator.account(emulator.platformAccountId).listSubscriptionIds()).toEqual(platformIds);
    expect(() => emulator.account('acct_1Unknown')).toThrow(/No such connected account/);

    await stripe.accounts.del(id);
    expect(() => view.listSubscriptionIds()).toThrow(/No such connected account/);
  });

  it('follows the child-list order set on the emulator, in accounts made before and after', async () => {
    const before = emulator.createAccount({ seed: { subscriptions: 3, minItems: 12, maxItems: 12, now: NOW } }).id;
    emulator.setChildListOrder('reverse');
    const after = emulator.createAccount({ seed: { subscriptions: 3, minItems: 12, maxItems: 12, now: NOW } }).id;
    try {
      for (const id of [before, after]) {
        const subscription = emulator.account(id).getSubscription(emulator.account(id).listSubscriptionIds()[0])!;
        const items = await stripe.subscriptionItems.list({ subscription: subscription.id, limit: 100 }, { stripeAccount: id });
        expect(items.data.map((item) => item.id)).toEqual(subscription.items.data.map((item) => item.id).reverse());
      }
    } finally {
      emulator.setChildListOrder('embedded');
    }
  });
});

describe('StripeEmulator Connect: many accounts', () => {
  it('seeds a thousand connected accounts cheaply, every id unique across them and the platform', async () => {
    const emulator = await StripeEmulator.start({ seed: { subscriptions: 200, now: NOW } });
    try {
      const started = performance.now();
      for (let i = 0; i < 1000; i++) emulator.createAccount({ seed: { subscriptions: 3, customers: 3, now: NOW } });
      const elapsedMs = performance.now() - started;

      const accounts = emulator.listAccountIds();
      const ids = [...allIds(emulator), ...accounts.flatMap((id) => allIds(emulator.account(id)))];
      expect(accounts).toHaveLength(1000);
      expect(new Set(accounts).size).toBe(1000);
      expect(new Set(ids).size).toBe(ids.length);
      // Generous: about 1 ms an account under Jest; the bound catches a cost that grows with the number of accounts.
      expect(elapsedMs).toBeLessThan(10_000);
      const stripe = clientFor(emulator);
      const last = accounts[999];
      const listed = await stripe.subscriptions.list({ status: 'all' }, { stripeAccount: last });
      expect(listed.data.map((subscription) => subscription.id).sort()).toEqual(emulator.account(last).listSubscriptionIds().sort());
      expect((await stripe.accounts.list({ limit: 100 })).has_more).toBe(true);
    } finally {
      await emulator.stop();
    }
  });
});
