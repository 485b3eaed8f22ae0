import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  BUILT_IN_OBJECTS,
  OnStripeEvent,
  type BuiltInObjectName,
  StripeCharge,
  StripeCustomer,
  StripeEvent,
  StripeInvoice,
  StripeInvoiceLineItem,
  StripeMirrorQuery,
  StripePaymentIntent,
  StripePrice,
  StripeProduct,
  StripeRefund,
  StripeSubscription,
  StripeSyncService,
  StripeSyncRun,
  StripeSyncSlice,
} from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import Stripe from 'stripe';
import { IsNull, type ObjectLiteral } from 'typeorm';
import { ADMIN_TOKEN, API_KEY, createTestApp, type TestApp } from './support/app.js';
import { testDatabases } from './support/databases.js';
import { makeEvent, signed, WEBHOOK_SECRET } from './support/events.js';

const databases = await testDatabases();
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const SUBSCRIPTIONS = 40;

const ENTITIES: Record<BuiltInObjectName, new () => ObjectLiteral> = {
  customer: StripeCustomer,
  product: StripeProduct,
  price: StripePrice,
  subscription: StripeSubscription,
  invoice: StripeInvoice,
  payment_intent: StripePaymentIntent,
  charge: StripeCharge,
  refund: StripeRefund,
};
const TYPES = Object.keys(ENTITIES) as BuiltInObjectName[];

@Injectable()
class BillingHandlers {
  readonly calls: { type: string; row: unknown }[] = [];

  @OnStripeEvent('invoice.*', 'charge.*')
  record(event: Stripe.Event, row: unknown) {
    this.calls.push({ type: event.type, row });
  }
}

describe.each(databases)('the billing model on %s', (database) => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let t: TestApp;

  beforeEach(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: SUBSCRIPTIONS, seed: 21 } });
    stripe = new Stripe(API_KEY, { ...emulator.clientOptions(), maxNetworkRetries: 0 });
    t = await createTestApp({ database, emulator, options: { webhookSecret: WEBHOOK_SECRET }, providers: [BillingHandlers] });
  });
  afterEach(async () => {
    await t.close();
    await emulator.stop();
  });

  const repository = (type: BuiltInObjectName) => t.dataSource.getRepository(ENTITIES[type]);
  const liveIds = async (type: BuiltInObjectName) =>
    (await repository(type).find({ where: { deletedAt: IsNull() }, select: { id: true } })).map((row) => row.id).sort();
  const emulatorIds = (type: BuiltInObjectName) =>
    (type === 'subscription' ? emulator.listSubscriptionIds() : emulator.listObjectIds(type)).sort();
  const deliver = (event: object) => {
    const { payload, signature } = signed(event);
    return t.http.post('/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload);
  };
  const now = () => Math.floor(Date.now() / 1000);

  it('mirrors the whole account in one run, parents first, equal to Stripe, with the fewest requests', async () => {
    const { status, body } = await t.http.post('/stripe/sync-all').set(auth);

    expect(status).toBe(200);
    expect(body.object).toBe('all');
    expect(body.objects.map((summary: { object: string }) => summary.object)).toEqual(TYPES);
    for (const type of TYPES) {
      expect({ type, ids: await liveIds(type) }).toEqual({ type, ids: emulatorIds(type) });
      const summary = body.objects.find((candidate: { object: string }) => candidate.object === type);
      expect(summary).toMatchObject({ seen: emulatorIds(type).length, inserted: emulatorIds(type).length, softDeleted: 0 });
    }
    const invoices = emulator.listObjectIds('invoice').map((id) => emulator.getObject('invoice', id)!);
    const lines = invoices.reduce((sum, invoice) => sum + invoice.lines.data.length, 0);
    expect(await t.dataSource.getRepository(StripeInvoiceLineItem).countBy({ deletedAt: IsNull() })).toBe(lines);
    // One list page per 100 objects of each type, and one child list per parent with more than 10 children.
    const floor =
      TYPES.reduce((sum, type) => sum + Math.max(1, Math.ceil(emulatorIds(type).length / 100)), 0) +
      invoices.filter((invoice) => invoice.lines.data.length > 10).length +
      emulator.listSubscriptionIds().filter((id) => emulator.getSubscription(id)!.items.data.length > 10).length;
    // A slice split off a running one may ask for one page more than the floor.
    const extraSlices = (await t.dataSource.getRepository(StripeSyncSlice).count()) - TYPES.length;
    expect(body.requests).toBeGreaterThanOrEqual(floor);
    expect(body.requests).toBeLessThanOrEqual(floor + extraSlices);
    expect(emulator.stats.total).toBe(body.requests);
  });

  it('starts a run of the whole account at once with ?wait=false, under one run id that the runs routes show', async () => {
    const { status, body } = await t.http.post('/stripe/sync-all?wait=false').set(auth);
    expect(status).toBe(202);
    const runs = t.dataSource.getRepository(StripeSyncRun);
    while ((await runs.findOneBy({ id: body.runId }))?.status !== 'completed') await new Promise((resolve) => setTimeout(resolve, 20));

    const children = await runs.findBy({ parentRunId: body.runId });
    expect(children.map((run) => run.object).sort()).toEqual([...TYPES].sort());
    expect(children.every((run) => run.status === 'completed')).toBe(true);
    const shown = await t.http.get(`/stripe/sync-runs/${body.runId}`).set(auth);
    expect(shown.body).toMatchObject({
      id: body.runId,
      object: 'all',
      status: 'completed',
      seen: children.reduce((sum, run) => sum + run.seen, 0),
    });
  });

  it('sweeps what Stripe no longer lists and restores what comes back, type by type', async () => {
    await t.app.get(StripeSyncService).syncAll();
    const [customer] = emulator.listObjectIds('customer');
    const [price] = emulator.listObjectIds('price');
    const copy = emulator.getObject('customer', customer) as Stripe.Customer;
    emulator.removeObject('customer', customer);
    await stripe.prices.update(price, { active: false });

    const second = await t.app.get(StripeSyncService).syncAll();
    expect(second.objects!.find((summary) => summary.object === 'customer')).toMatchObject({ softDeleted: 1 });
    expect((await repository('customer').findOneByOrFail({ id: customer })).deletedAt).toBeInstanceOf(Date);
    // An inactive price is listed: it stays, marked inactive.
    expect(await repository('price').findOneByOrFail({ id: price })).toMatchObject({ active: false, deletedAt: null });
    // The customer's subscriptions stay.
    const subscriptions = await repository('subscription').findBy({ customerId: customer });
    expect(subscriptions.length).toBeGreaterThan(0);
    expect(subscriptions.every((row) => row.deletedAt === null)).toBe(true);

    emulator.putObject(copy);
    const third = await t.app.get(StripeSyncService).syncAll();
    expect(third.objects!.find((summary) => summary.object === 'customer')).toMatchObject({ softDeleted: 0, restored: 1 });
    expect((await repository('customer').findOneByOrFail({ id: customer })).deletedAt).toBeNull();
  });

  it('soft-deletes a deleted customer or product, from its event or when retrieving it, and keeps the row', async () => {
    await t.app.get(StripeSyncService).syncAll();
    const [customer, other] = emulator.listObjectIds('customer');
    const product = emulator.listObjectIds('product').at(-1)!;
    const before = emulator.getObject('customer', customer) as Stripe.Customer;

    await stripe.customers.del(customer);
    const [deleted] = (await stripe.events.list({ type: 'customer.deleted' })).data;
    expect((await deliver(deleted)).body.result).toBe('processed');
    const row = await repository('customer').findOneByOrFail({ id: customer });
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(row.email).toBe(before.email);
    // An older update arriving late does not bring it back.
    await deliver(makeEvent('customer.updated', { ...before, name: 'Late' }, deleted.created - 5));
    expect(await repository('customer').findOneByOrFail({ id: customer })).toMatchObject({
      name: before.name,
      deletedAt: expect.any(Date),
    });

    await stripe.customers.del(other);
    await stripe.products.del(product).catch(() => emulator.removeObject('product', product));
    const byIds = await t.http
      .post('/stripe/customers/sync-by-ids')
      .set(auth)
      .send({ ids: [other] });
    expect(byIds.body).toEqual({ synced: [], missing: [other], failed: [] });
    const productByIds = await t.http
      .post('/stripe/products/sync-by-ids')
      .set(auth)
      .send({ ids: [product] });
    expect(productByIds.body.missing).toEqual([product]);
    expect((await repository('customer').findOneByOrFail({ id: other })).deletedAt).toBeInstanceOf(Date);
    expect((await repository('product').findOneByOrFail({ id: product })).deletedAt).toBeInstanceOf(Date);
  });

  it('hands each event with its mirrored row to the host handlers, whatever the type', async () => {
    const invoice = emulator.getObject('invoice', emulator.listObjectIds('invoice')[0])!;
    const charge = emulator.getObject('charge', emulator.listObjectIds('charge')[0])!;
    await deliver(makeEvent('invoice.paid', { ...invoice, status: 'paid' }, now()));
    await deliver(makeEvent('charge.refunded', { ...charge, refunded: true }, now()));

    const calls = t.app.get(BillingHandlers).calls;
    expect(calls).toEqual([
      { type: 'invoice.paid', row: expect.objectContaining({ id: invoice.id, status: 'paid' }) },
      { type: 'charge.refunded', row: expect.objectContaining({ id: charge.id, refunded: true }) },
    ]);
  });

  it('applies invoice events in any order: the newest state wins', async () => {
    const invoice = emulator.getObject('invoice', emulator.listObjectIds('invoice')[0])!;
    const start = now() - 60;
    const states = [
      makeEvent('invoice.created', { ...invoice, status: 'draft' }, start),
      makeEvent('invoice.finalized', { ...invoice, status: 'open' }, start + 1),
      makeEvent('invoice.paid', { ...invoice, status: 'paid', amount_paid: invoice.amount_due }, start + 2),
    ];
    for (const event of [states[2], states[0], states[1]]) expect((await deliver(event)).status).toBe(200);

    expect(await repository('invoice').findOneByOrFail({ id: invoice.id })).toMatchObject({
      status: 'paid',
      amountPaid: invoice.amount_due,
    });
    const outcomes = await t.dataSource.getRepository(StripeEvent).findBy({ objectId: invoice.id });
    expect(outcomes.map((event) => event.outcome).sort()).toEqual(['applied', 'stale', 'stale']);
  });

  it('lists every line of an invoice with more than 10 from the start, in whatever order the list gives them', async () => {
    const invoice = emulator
      .listObjectIds('invoice')
      .map((id) => emulator.getObject('invoice', id)!)
      .find((candidate) => candidate.lines.data.length > 10)!;
    expect(invoice).toBeDefined();
    emulator.setChildListOrder('reverse');
    try {
      emulator.resetStats();
      const { body } = await t.http
        .post('/stripe/invoices/sync-by-ids')
        .set(auth)
        .send({ ids: [invoice.id] });
      expect(body.synced).toEqual([invoice.id]);
      expect(emulator.stats.byRoute['GET /v1/invoices/:id/lines']).toBe(1);
      const lines = await t.dataSource.getRepository(StripeInvoiceLineItem).findBy({ invoiceId: invoice.id, deletedAt: IsNull() });
      expect(lines.map((line) => line.id).sort()).toEqual(invoice.lines.data.map((line) => line.id).sort());
      const shown = await t.http.get(`/stripe/invoices/${invoice.id}`).set(auth);
      expect(shown.body.lines).toHaveLength(invoice.lines.data.length);
      expect(shown.body.raw.id).toBe(invoice.id);
    } finally {
      emulator.setChildListOrder('embedded');
    }
  });

  it("answers a customer's subscriptions with their prices and products from the mirror alone", async () => {
    await t.app.get(StripeSyncService).syncAll();
    const subscription = emulator.getSubscription(
      emulator.listSubscriptionIds().find((id) => emulator.getSubscription(id)!.status === 'active')!,
    )!;
    const customer = subscription.customer as string;
    const [item] = subscription.items.data;
    const product = emulator.getObject('product', item.price.product as string)!;
    emulator.resetStats();

    const { status, body } = await t.http.get(`/stripe/customers/${customer}/subscriptions`).set(auth);

    expect(status).toBe(200);
    expect(emulator.stats.total).toBe(0);
    const expected = emulator.listSubscriptionIds().filter((id) => emulator.getSubscription(id)!.customer === customer);
    expect(body.data.map((row: { id: string }) => row.id).sort()).toEqual(expected.sort());
    const shown = body.data.find((row: { id: string }) => row.id === subscription.id);
    expect(shown.items.find((row: { id: string }) => row.id === item.id)).toEqual({
      id: item.id,
      quantity: item.quantity,
      price: {
        id: item.price.id,
        lookupKey: item.price.lookup_key,
        unitAmount: item.price.unit_amount,
        currency: item.price.currency,
        recurring: {
          interval: item.price.recurring!.interval,
          intervalCount: item.price.recurring!.interval_count,
          usageType: item.price.recurring!.usage_type,
        },
      },
      product: { id: product.id, name: product.name },
    });
    const query = t.app.get(StripeMirrorQuery);
    expect(await query.isSubscribed(customer, { product: product.id })).toBe(true);
    expect(await query.isSubscribed(customer, { price: 'price_never' })).toBe(false);
    // Past due counts as active only with the option.
    for (const id of expected) emulator.updateSubscription(id, { status: 'past_due' });
    await t.subscriptions.syncByIds(expected);
    expect(await query.isSubscribed(customer)).toBe(false);
    const lenient = new StripeMirrorQuery(t.dataSource, { pastDueIsActive: true });
    expect((await lenient.activeSubscriptions(customer)).map((row) => row.id).sort()).toEqual(expected.sort());
    expect((await t.http.get('/stripe/customers/sub_x/subscriptions').set(auth)).status).toBe(400);
  });

  it('filters each list route and refuses ids of another type with 400, writing nothing', async () => {
    await t.app.get(StripeSyncService).syncAll();
    const paid = emulator
      .listObjectIds('invoice')
      .map((id) => emulator.getObject('invoice', id)!)
      .filter((invoice) => invoice.status === 'paid');
    const customer = paid[0].customer as string;
    const { body } = await t.http.get(`/stripe/invoices?status=paid&customer=${customer}&limit=100`).set(auth);
    expect(body.data.map((row: { id: string }) => row.id).sort()).toEqual(
      paid
        .filter((invoice) => invoice.customer === customer)
        .map((invoice) => invoice.id)
        .sort(),
    );
    expect(body.data[0].raw).toBeUndefined();

    const before = await repository('customer').count();
    for (const [resource, id] of [
      ['customers', 'sub_123'],
      ['invoices', 'cus_123'],
      ['payment-intents', 'ch_123'],
      ['charges', 'pi_123'],
      ['refunds', 'in_123'],
      ['prices', 'prod_123'],
      ['products', 'price_123'],
    ]) {
      expect({ resource, status: (await t.http.get(`/stripe/${resource}/${id}`).set(auth)).status }).toEqual({ resource, status: 400 });
      const refused = await t.http
        .post(`/stripe/${resource}/sync-by-ids`)
        .set(auth)
        .send({ ids: [id] });
      expect({ resource, status: refused.status }).toEqual({ resource, status: 400 });
    }
    const batch = await t.http
      .post('/stripe/customers/sync-batch')
      .set(auth)
      .send({ batch: [{ id: 'cus_new', object: 'invoice', created: 1 }] });
    expect(batch.status).toBe(400);
    expect(batch.body.message).toContain('batch[0].object');
    expect(await repository('customer').count()).toBe(before);
  });

  it('catches up on every mirrored event type, though Stripe filters on at most 20', async () => {
    expect(Object.values(BUILT_IN_OBJECTS).flatMap((definition) => definition.eventTypes).length).toBeGreaterThan(20);
    const customer = await stripe.customers.create({ email: 'late@example.com' });
    const price = await stripe.prices.create({ product: emulator.listObjectIds('product')[0], currency: 'usd', unit_amount: 700 });

    const summary = await t.http.post('/stripe/events/sync').set(auth);

    expect(summary.status).toBe(200);
    expect(await repository('customer').findOneByOrFail({ id: customer.id })).toMatchObject({ email: 'late@example.com' });
    expect(await repository('price').findOneByOrFail({ id: price.id })).toMatchObject({ unitAmount: 700 });
  });
});
