import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  CustomerActionService,
  OnStripeEvent,
  StripeAccount,
  StripeCustomer,
  StripeEvent,
  StripeInvoice,
  StripeMirrorQuery,
  StripeSubscription,
  StripeSyncRun,
  StripeSyncService,
} from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import type Stripe from 'stripe';
import { IsNull, type ObjectLiteral } from 'typeorm';
import { ADMIN_TOKEN, createTestApp, type TestApp } from './support/app.js';
import { testDatabases } from './support/databases.js';
import { makeEvent, signed, WEBHOOK_SECRET } from './support/events.js';

const databases = await testDatabases();
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const CONNECT_SECRET = 'whsec_e2e_connect_endpoint';
const TYPES = ['customer', 'product', 'price', 'subscription', 'invoice', 'payment_intent', 'charge', 'refund'] as const;

@Injectable()
class AccountHandlers {
  readonly calls: { type: string; account: string | null }[] = [];

  @OnStripeEvent('customer.*')
  record(event: Stripe.Event, _row: unknown, account: string | null) {
    this.calls.push({ type: event.type, account });
  }
}

describe.each(databases)('Stripe Connect on %s', (database) => {
  let emulator: StripeEmulator;
  let accounts: string[];
  let t: TestApp;

  beforeEach(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 6, seed: 1 } });
    accounts = [1, 2, 3].map((seed) => emulator.createAccount({ seed: { subscriptions: 4, seed: 100 + seed } }).id);
  });
  afterEach(async () => {
    await t?.close();
    await emulator.stop();
  });

  const open = async (connect: { accounts: 'all' | string[] } = { accounts: 'all' }) => {
    t = await createTestApp({
      database,
      emulator,
      options: { connect, webhookSecret: WEBHOOK_SECRET, connectWebhookSecret: CONNECT_SECRET },
      providers: [AccountHandlers],
    });
    return t;
  };
  const rows = (entity: new () => ObjectLiteral, where: object = {}) =>
    t.dataSource.getRepository(entity).find({ where: { deletedAt: IsNull(), ...where } });
  const ids = async (entity: new () => ObjectLiteral, account: string | null) =>
    (await rows(entity, { accountId: account ?? emulator.platformAccountId })).map((row) => row.id).sort();
  const ENTITY = { customer: StripeCustomer, subscription: StripeSubscription, invoice: StripeInvoice } as const;

  it("mirrors the platform and every connected account in one run, each row with its account, each object read with its account's header", async () => {
    await open();
    const { status, body } = await t.http.post('/stripe/sync-all').set(auth);

    expect(status).toBe(200);
    expect(body.accounts.map((account: { account: string }) => account.account).sort()).toEqual([...accounts].sort());
    expect(body.accounts.every((account: { completed: boolean }) => account.completed)).toBe(true);
    expect((await rows(StripeAccount)).map((row) => row.id).sort()).toEqual([...accounts].sort());
    expect((await rows(StripeAccount)).every((row) => row.accountId === emulator.platformAccountId)).toBe(true);
    for (const [type, entity] of Object.entries(ENTITY) as [keyof typeof ENTITY, (typeof ENTITY)[keyof typeof ENTITY]][]) {
      const platform = type === 'subscription' ? emulator.listSubscriptionIds() : emulator.listObjectIds(type);
      expect({ type, ids: await ids(entity, null) }).toEqual({ type, ids: [...platform].sort() });
      for (const account of accounts) {
        const view = emulator.account(account);
        const expected = type === 'subscription' ? view.listSubscriptionIds() : view.listObjectIds(type);
        expect({ type, account, ids: await ids(entity, account) }).toEqual({ type, account, ids: [...expected].sort() });
      }
    }
    // One run per type and account, under the one run id.
    const runs = await t.dataSource.getRepository(StripeSyncRun).findBy({ parentRunId: body.runId });
    expect(runs).toHaveLength(TYPES.length + 1 + TYPES.length * accounts.length);
    // Every connected account was read with its header; the platform's lists without one.
    for (const account of accounts) expect(emulator.stats.byAccount[account]).toBeGreaterThanOrEqual(TYPES.length);
  });

  it('syncs a connected object only with its account, and never reads it without the header', async () => {
    await open();
    const [account] = accounts;
    const [customer] = emulator.account(account).listObjectIds('customer');
    const action = t.app.get(CustomerActionService);

    // Stripe answers resource_missing for another account's object: read without the header, it would be missing.
    expect(await action.syncByIds([customer])).toEqual({ synced: [], missing: [customer], failed: [] });
    expect(await action.syncByIds([customer], { account })).toEqual({ synced: [customer], missing: [], failed: [] });
    expect(await rows(StripeCustomer, { id: customer })).toEqual([expect.objectContaining({ accountId: account })]);
    const routed = await t.http
      .post(`/stripe/customers/sync-by-ids?account=${account}`)
      .set(auth)
      .send({ ids: [customer] });
    expect(routed.body.synced).toEqual([customer]);
    const listed = await t.http.get(`/stripe/customers?account=${account}&limit=100`).set(auth);
    expect(listed.body.data.map((row: { id: string }) => row.id)).toEqual([customer]);
  });

  it('sweeps only the account whose run completed; a failed account stops neither the others nor their sweeps', async () => {
    await open();
    await t.app.get(StripeSyncService).syncAll();
    const [gone, failing] = accounts;
    const [removed] = emulator.account(gone).listObjectIds('customer');
    const [kept] = emulator.account(failing).listObjectIds('customer');
    emulator.account(gone).removeObject('customer', removed);
    emulator.account(failing).removeObject('customer', kept);
    emulator.injectFault({ account: failing, status: 500, times: 1000 });

    await expect(t.app.get(StripeSyncService).syncAll()).rejects.toThrow();

    expect((await t.dataSource.getRepository(StripeCustomer).findOneByOrFail({ id: removed })).deletedAt).toBeInstanceOf(Date);
    // The failed account's run did not complete: its rows are not swept.
    expect((await t.dataSource.getRepository(StripeCustomer).findOneByOrFail({ id: kept })).deletedAt).toBeNull();
    const failed = await t.dataSource.getRepository(StripeSyncRun).findBy({ account: failing, status: 'failed' });
    expect(failed.length).toBeGreaterThan(0);
    emulator.clearFaults();
    const resumed = await t.app.get(StripeSyncService).syncAll();
    expect(resumed.accounts!.every((account) => account.completed)).toBe(true);
    expect((await t.dataSource.getRepository(StripeCustomer).findOneByOrFail({ id: kept })).deletedAt).toBeInstanceOf(Date);
  });

  it("applies Connect webhooks to the account's rows, and a deauthorization soft-deletes them until it comes back", async () => {
    await open();
    await t.app.get(StripeSyncService).syncAll();
    const [account] = accounts;
    const view = emulator.account(account);
    const customer = view.getObject('customer', view.listObjectIds('customer')[0]) as Stripe.Customer;
    const deliver = (event: object, secret = CONNECT_SECRET) => {
      const { payload, signature } = signed(event, secret);
      return t.http.post('/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload);
    };

    // Changed in the account; the event is of the second the sync saw it in, so the customer is retrieved anew, with
    // the account's header.
    view.putObject({ ...customer, name: 'Connected' });
    const synced = (await t.dataSource.getRepository(StripeCustomer).findOneByOrFail({ id: customer.id })).observedAt;
    const updated = { ...makeEvent('customer.updated', { ...customer, name: 'Connected' }, Math.floor(synced.getTime() / 1000)), account };
    expect((await deliver(updated)).body).toEqual({ received: true, result: 'processed' });
    expect((await t.dataSource.getRepository(StripeEvent).findOneByOrFail({ id: updated.id })).outcome).toBe('refetched');
    expect(await t.dataSource.getRepository(StripeCustomer).findOneByOrFail({ id: customer.id })).toMatchObject({
      name: 'Connected',
      accountId: account,
    });
    expect(t.app.get(AccountHandlers).calls).toEqual([{ type: 'customer.updated', account }]);

    const deauthorized = emulator.deauthorizeAccount(account);
    expect((await deliver(deauthorized)).body.result).toBe('processed');
    expect((await t.dataSource.getRepository(StripeAccount).findOneByOrFail({ id: account })).deletedAt).toBeInstanceOf(Date);
    expect(await rows(StripeCustomer, { accountId: account })).toEqual([]);
    expect(await rows(StripeSubscription, { accountId: account })).toEqual([]);
    // The next run leaves the deauthorized account out, and so does not fail on it.
    const next = await t.app.get(StripeSyncService).syncAll();
    expect(next.accounts!.map((summary) => summary.account)).not.toContain(account);

    const authorized = emulator.reauthorizeAccount(account);
    expect((await deliver(authorized)).body.result).toBe('processed');
    expect((await t.dataSource.getRepository(StripeAccount).findOneByOrFail({ id: account })).deletedAt).toBeNull();
    await t.http.post(`/stripe/accounts/${account}/sync-all`).set(auth).expect(200);
    expect((await rows(StripeCustomer, { accountId: account })).length).toBe(view.listObjectIds('customer').length);
  });

  it('soft-deletes the rows of an account whose deauthorization was missed at the next full sync, and only its rows; the catch-up goes on meanwhile', async () => {
    await open();
    await t.app.get(StripeSyncService).syncAll();
    const [left, staying] = accounts;
    // Its event never reaches the app.
    emulator.deauthorizeAccount(left);
    const view = emulator.account(staying);
    const customer = { ...(view.getObject('customer', view.listObjectIds('customer')[0]) as Stripe.Customer), name: 'Caught up' };
    view.putObject(customer);
    view.emitEvent('customer.updated', customer);

    // Until then the catch-up cannot read the left account's events (access revoked); it still applies the others'.
    await t.http.post('/stripe/events/sync').set(auth).expect(502);
    expect(await t.dataSource.getRepository(StripeCustomer).findOneByOrFail({ id: customer.id })).toMatchObject({ name: 'Caught up' });

    const next = await t.app.get(StripeSyncService).syncAll();

    expect(next.accounts!.map((summary) => summary.account)).not.toContain(left);
    expect((await t.dataSource.getRepository(StripeAccount).findOneByOrFail({ id: left })).deletedAt).toBeInstanceOf(Date);
    expect(await rows(StripeCustomer, { accountId: left })).toEqual([]);
    expect(await rows(StripeSubscription, { accountId: left })).toEqual([]);
    expect(await ids(StripeCustomer, staying)).toEqual([...emulator.account(staying).listObjectIds('customer')].sort());
    expect(await ids(StripeCustomer, null)).toEqual([...emulator.listObjectIds('customer')].sort());
  });

  it('mirrors only the accounts listed, and answers the query service per account', async () => {
    const [chosen] = accounts;
    await open({ accounts: [chosen] });
    const summary = await t.app.get(StripeSyncService).syncAll();

    expect(summary.accounts!.map((account) => account.account)).toEqual([chosen]);
    expect(new Set((await rows(StripeSubscription)).map((row) => row.accountId))).toEqual(new Set([emulator.platformAccountId, chosen]));
    const view = emulator.account(chosen);
    const customer = view.getSubscription(view.listSubscriptionIds()[0])!.customer as string;
    const theirs = view.listSubscriptionIds().filter((id) => view.getSubscription(id)!.customer === customer);
    const query = t.app.get(StripeMirrorQuery);
    expect((await query.customerSubscriptions(customer, { account: chosen })).map((row) => row.id).sort()).toEqual(theirs.sort());
    expect(await query.customerSubscriptions(customer, { account: accounts[1] })).toEqual([]);
  });
});
