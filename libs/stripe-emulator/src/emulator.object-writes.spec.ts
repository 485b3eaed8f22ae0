import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { StripeEmulator } from './index.js';
import { clientFor, rejection } from './emulator.test-support.js';

const NOW = 1_780_000_000;

/** Plain JSON, as the event log holds objects (the SDK's answers carry `lastResponse` and Decimals). */
const json = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('StripeEmulator billing writes and their events', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 80, seed: 9, now: NOW } });
    stripe = clientFor(emulator);
  });

  afterAll(() => emulator.stop());

  /** Each test's frozen time, later than the last test's, so that the newest events are the test's own. */
  let now = NOW;

  beforeEach(() => {
    now += 3600;
    emulator.setClock(now);
  });

  async function latestEvent(): Promise<Stripe.Event> {
    return (await stripe.events.list({ limit: 1 })).data[0];
  }

  /** What happens during `action`: its result and the events it raised, oldest first. */
  async function eventsOf<T>(action: () => Promise<T>): Promise<[T, Stripe.Event[]]> {
    const before = await latestEvent();
    const result = await action();
    const page = await stripe.events.list({ limit: 100, ...(before && { ending_before: before.id }) });
    return [result, page.data.reverse()];
  }

  const types = (events: Stripe.Event[]) => events.map((event) => event.type);
  const invoices = () => emulator.listObjectIds('invoice').map((id) => emulator.getObject('invoice', id)!);

  describe('customers', () => {
    it('creates, updates and lists by email, with customer.created and customer.updated', async () => {
      const [customer, created] = await eventsOf(() =>
        stripe.customers.create({
          email: 'new@example.com',
          name: 'New Customer',
          phone: '+15550001111',
          description: 'VIP',
          metadata: { plan: 'gold' },
        }),
      );

      expect(customer).toMatchObject({
        object: 'customer',
        email: 'new@example.com',
        name: 'New Customer',
        phone: '+15550001111',
        description: 'VIP',
        created: now,
      });
      expect(customer.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
      expect(types(created)).toEqual(['customer.created']);
      expect(created[0].data.object).toEqual(json(customer));

      const [updated, changed] = await eventsOf(() =>
        stripe.customers.update(customer.id, { email: 'renamed@example.com', description: '', metadata: { plan: '', tier: '2' } }),
      );

      expect([updated.email, updated.description, updated.metadata]).toEqual(['renamed@example.com', null, { tier: '2' }]);
      expect(types(changed)).toEqual(['customer.updated']);
      expect(changed[0].data.previous_attributes).toEqual({
        email: 'new@example.com',
        description: 'VIP',
        metadata: { plan: 'gold', tier: null },
      });
      expect((await stripe.customers.list({ email: 'renamed@example.com' })).data.map((listed) => listed.id)).toEqual([customer.id]);
      const [, none] = await eventsOf(() => stripe.customers.update(customer.id, { metadata: { tier: '2' } }));
      expect(none).toEqual([]);
      const unknown = await rejection(stripe.customers.update(customer.id, { balance: 5 }));
      expect([unknown.statusCode, unknown.param]).toEqual([400, 'balance']);
    });

    it('deletes: the stub answers, retrieve still gives it, the list leaves it out; customer.deleted carries the customer as it was', async () => {
      const customer = await stripe.customers.create({ email: 'gone@example.com' });

      const [deleted, events] = await eventsOf(() => stripe.customers.del(customer.id));

      expect(json(deleted)).toEqual({ id: customer.id, object: 'customer', deleted: true });
      expect(types(events)).toEqual(['customer.deleted']);
      expect(events[0].data.object).toEqual(json(customer));
      expect('deleted' in events[0].data.object).toBe(false);
      expect(json(await stripe.customers.retrieve(customer.id))).toEqual({ id: customer.id, object: 'customer', deleted: true });
      expect(emulator.getObject('customer', customer.id)).toEqual({ id: customer.id, object: 'customer', deleted: true });
      expect((await stripe.customers.list({ email: 'gone@example.com' })).data).toEqual([]);
      expect((await rejection(stripe.customers.update(customer.id, { name: 'x' }))).statusCode).toBe(404);
      expect((await rejection(stripe.customers.del(customer.id))).statusCode).toBe(404);

      emulator.removeObject('customer', customer.id);
      expect((await rejection(stripe.customers.retrieve(customer.id))).code).toBe('resource_missing');
    });

    it("cancels a deleted customer's live subscriptions first, as Stripe does", async () => {
      const live = emulator
        .listSubscriptionIds()
        .map((id) => emulator.getSubscription(id)!)
        .find((subscription) => subscription.status === 'active')!;
      const customer = live.customer as string;
      const owned = (await stripe.subscriptions.list({ customer, limit: 100 })).data;

      const [, events] = await eventsOf(() => stripe.customers.del(customer));

      expect(types(events)).toEqual([...owned.map(() => 'customer.subscription.deleted'), 'customer.deleted']);
      expect((await stripe.subscriptions.retrieve(live.id)).status).toBe('canceled');
    });
  });

  describe('products and prices', () => {
    it('creates a product and its prices, sets its default price, and refuses a price of another product', async () => {
      const [product, productEvents] = await eventsOf(() =>
        stripe.products.create({ name: 'Widget', description: 'A widget', metadata: { sku: 'w-1' } }),
      );
      const [monthly, priceEvents] = await eventsOf(() =>
        stripe.prices.create({
          product: product.id,
          currency: 'EUR',
          unit_amount: 1250,
          recurring: { interval: 'month', interval_count: 3 },
          lookup_key: 'widget_quarterly',
          nickname: 'Quarterly',
        }),
      );
      const once = await stripe.prices.create({ product: product.id, currency: 'eur', unit_amount: 500 });

      expect(product).toMatchObject({
        name: 'Widget',
        description: 'A widget',
        active: true,
        created: now,
        updated: now,
        default_price: null,
      });
      expect(types(productEvents)).toEqual(['product.created']);
      expect(json(monthly)).toMatchObject({
        currency: 'eur',
        unit_amount: 1250,
        unit_amount_decimal: '1250',
        type: 'recurring',
        lookup_key: 'widget_quarterly',
        nickname: 'Quarterly',
      });
      expect(monthly.recurring).toMatchObject({ interval: 'month', interval_count: 3 });
      expect([once.type, once.recurring]).toEqual(['one_time', null]);
      expect(types(priceEvents)).toEqual(['price.created']);

      emulator.setClock(now + 60);
      const [withDefault, updateEvents] = await eventsOf(() =>
        stripe.products.update(product.id, { default_price: monthly.id, name: 'Widget 2' }),
      );
      expect([withDefault.default_price, withDefault.name, withDefault.updated]).toEqual([monthly.id, 'Widget 2', now + 60]);
      expect(updateEvents[0].data.previous_attributes).toEqual({ default_price: null, name: 'Widget', updated: now });
      const foreign = emulator.listObjectIds('price').find((id) => emulator.getObject('price', id)!.product !== product.id)!;
      const wrong = await rejection(stripe.products.update(product.id, { default_price: foreign }));
      const missing = await rejection(stripe.products.update(product.id, { default_price: 'price_missing' }));
      const noName = await rejection(stripe.products.create({} as Stripe.ProductCreateParams));
      const blank = await rejection(stripe.products.update(product.id, { name: '' }));
      expect([wrong.statusCode, wrong.param, missing.code, noName.param, blank.code]).toEqual([
        400,
        'default_price',
        'resource_missing',
        'name',
        'parameter_invalid_empty',
      ]);
    });

    it('rejects a price for an unknown product, a taken lookup key, and one without an amount', async () => {
      const product = await stripe.products.create({ name: 'Gadget' });
      await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100, lookup_key: 'gadget' });

      const noProduct = await rejection(stripe.prices.create({ product: 'prod_missing', currency: 'usd', unit_amount: 100 }));
      const taken = await rejection(stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 200, lookup_key: 'gadget' }));
      const noAmount = await rejection(stripe.prices.create({ product: product.id, currency: 'usd' }));

      expect([noProduct.statusCode, noProduct.code, noProduct.param]).toEqual([400, 'resource_missing', 'product']);
      expect([taken.statusCode, taken.param]).toEqual([400, 'lookup_key']);
      expect([noAmount.statusCode, noAmount.param]).toEqual([400, 'unit_amount']);
    });

    it('archives a price: still listed, filtered by active, refused to new subscription items', async () => {
      const product = await stripe.products.create({ name: 'Archivable' });
      const price = await stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 900,
        recurring: { interval: 'month' },
      });
      const subscribed = await stripe.subscriptions.create({ customer: 'cus_PriceUser00001', items: [{ price: price.id, quantity: 2 }] });
      expect([subscribed.items.data[0].price.unit_amount, subscribed.items.data[0].plan.amount]).toEqual([900, 900]);

      const [archived, events] = await eventsOf(() => stripe.prices.update(price.id, { active: false }));

      expect(types(events)).toEqual(['price.updated']);
      expect(events[0].data.previous_attributes).toEqual({ active: true });
      const listed = async (active?: boolean) =>
        (await stripe.prices.list({ product: product.id, active })).data.map((listedPrice) => listedPrice.id);
      expect([await listed(), await listed(false), await listed(true)]).toEqual([[archived.id], [archived.id], []]);
      const refused = await rejection(stripe.subscriptions.create({ customer: 'cus_PriceUser00001', items: [{ price: price.id }] }));
      expect([refused.statusCode, refused.param]).toEqual([400, 'items[0][price]']);
    });

    it('makes a price a client subscribes to without creating it listable, with its product, without an event', async () => {
      const [subscription, events] = await eventsOf(() =>
        stripe.subscriptions.create({ customer: 'cus_MadeUp000001', items: [{ price: 'price_madeUpForTheWrites' }] }),
      );

      expect(types(events)).toEqual(['customer.subscription.created']);
      const price = await stripe.prices.retrieve('price_madeUpForTheWrites');
      expect(json(price)).toEqual(json(subscription.items.data[0].price));
      expect((await stripe.products.retrieve(price.product as string)).name).toBe('Product of price_madeUpForTheWrites');
    });

    it('deletes a product without prices (then 404), and refuses one with prices', async () => {
      const product = await stripe.products.create({ name: 'Short-lived' });

      const [deleted, events] = await eventsOf(() => stripe.products.del(product.id));

      expect(json(deleted)).toEqual({ id: product.id, object: 'product', deleted: true });
      expect(types(events)).toEqual(['product.deleted']);
      expect(events[0].data.object).toEqual(json(product));
      expect((await rejection(stripe.products.retrieve(product.id))).code).toBe('resource_missing');
      expect((await stripe.products.list({ ids: [product.id] })).data).toEqual([]);
      const [catalog] = emulator.listObjectIds('product');
      expect((await rejection(stripe.products.del(catalog))).statusCode).toBe(400);
    });
  });

  describe('invoices', () => {
    /** An open invoice whose automatic payment failed: its intent waits for a card. */
    const failedOpen = () =>
      invoices().filter(
        (invoice) => invoice.status === 'open' && invoice.collection_method === 'charge_automatically' && invoice.total > 0,
      );
    const intentOf = (invoice: Stripe.Invoice) =>
      emulator
        .listObjectIds('payment_intent')
        .map((id) => emulator.getObject('payment_intent', id)!)
        .find(
          (intent) =>
            intent.customer === invoice.customer &&
            intent.amount === invoice.total &&
            intent.created === invoice.status_transitions.finalized_at,
        )!;

    it('updates metadata and description with invoice.updated', async () => {
      const [id] = emulator.listObjectIds('invoice');

      const [updated, events] = await eventsOf(() => stripe.invoices.update(id, { description: 'Thanks!', metadata: { order: '7' } }));

      expect([updated.description, updated.metadata]).toEqual(['Thanks!', { order: '7' }]);
      expect(types(events)).toEqual(['invoice.updated']);
      expect(events[0].data.previous_attributes).toEqual({ description: null, metadata: { order: null } });
      expect((events[0].data.object as Stripe.Invoice).lines.data.length).toBeLessThanOrEqual(10);
    });

    it('pays an open invoice on its waiting intent: charge, intent and invoice succeed, in that order', async () => {
      const [invoice] = failedOpen();
      const intent = intentOf(invoice);
      expect(intent.status).toBe('requires_payment_method');

      const [paid, events] = await eventsOf(() => stripe.invoices.pay(invoice.id));

      expect(paid).toMatchObject({
        status: 'paid',
        amount_paid: invoice.total,
        amount_remaining: 0,
        attempt_count: invoice.attempt_count + 1,
      });
      expect(paid.status_transitions.paid_at).toBe(now);
      expect(types(events)).toEqual(['charge.succeeded', 'payment_intent.succeeded', 'invoice.paid', 'invoice.payment_succeeded']);
      const [charge, succeeded] = events.map((event) => event.data.object) as [Stripe.Charge, Stripe.PaymentIntent];
      expect(succeeded).toMatchObject({
        id: intent.id,
        status: 'succeeded',
        amount_received: invoice.total,
        latest_charge: charge.id,
        last_payment_error: null,
      });
      expect(charge).toMatchObject({
        payment_intent: intent.id,
        amount: invoice.total,
        status: 'succeeded',
        paid: true,
        refunded: false,
        amount_refunded: 0,
      });
      expect(json(await stripe.charges.retrieve(charge.id))).toEqual(charge);
      expect((await rejection(stripe.invoices.pay(invoice.id))).statusCode).toBe(400);
    });

    it('creates the intent of an invoice that had none (payment_intent.created first)', async () => {
      // Sent to the customer, not yet paid: no payment was attempted.
      const invoice = invoices().find((candidate) => candidate.status === 'open' && candidate.collection_method === 'send_invoice')!;

      const [, events] = await eventsOf(() => stripe.invoices.pay(invoice.id));

      expect(types(events)).toEqual([
        'payment_intent.created',
        'charge.succeeded',
        'payment_intent.succeeded',
        'invoice.paid',
        'invoice.payment_succeeded',
      ]);
      expect((events[0].data.object as Stripe.PaymentIntent).customer).toBe(invoice.customer);
    });

    it('answers a declining test card with 402, and records the failure on the charge, the intent and the invoice', async () => {
      const invoice = failedOpen().at(-1)!;

      const [error, events] = await eventsOf(() =>
        rejection(stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_chargeDeclined' })),
      );

      expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect([error.statusCode, error.code, error.decline_code]).toEqual([402, 'card_declined', 'generic_decline']);
      expect(types(events)).toEqual(['charge.failed', 'payment_intent.payment_failed', 'invoice.payment_failed']);
      const after = await stripe.invoices.retrieve(invoice.id);
      expect([after.status, after.attempt_count]).toEqual(['open', invoice.attempt_count + 1]);
      expect((events[0].data.object as Stripe.Charge).outcome?.type).toBe('issuer_declined');
    });

    it('voids an open invoice and cancels its waiting intent; refuses to void a paid one', async () => {
      const invoice = failedOpen().find((candidate) => intentOf(candidate)?.status === 'requires_payment_method')!;

      const [voided, events] = await eventsOf(() => stripe.invoices.voidInvoice(invoice.id));

      expect([voided.status, voided.status_transitions.voided_at]).toEqual(['void', now]);
      expect(types(events)).toEqual(['invoice.voided', 'payment_intent.canceled']);
      expect(events[1].data.object).toMatchObject({ status: 'canceled', cancellation_reason: 'void_invoice', canceled_at: now });
      const paid = invoices().find((candidate) => candidate.status === 'paid')!;
      expect((await rejection(stripe.invoices.voidInvoice(paid.id))).statusCode).toBe(400);
    });

    it('creates a draft, finalizes it (paid at once, as it owes nothing), and numbers it from the customer', async () => {
      const customer = await stripe.customers.create({ email: 'drafts@example.com' });

      const [draft, createdEvents] = await eventsOf(() =>
        stripe.invoices.create({ customer: customer.id, description: 'Manual', auto_advance: false }),
      );
      const [finalized, finalizedEvents] = await eventsOf(() => stripe.invoices.finalizeInvoice(draft.id));

      expect(draft).toMatchObject({
        status: 'draft',
        number: null,
        customer: customer.id,
        billing_reason: 'manual',
        parent: null,
        total: 0,
        description: 'Manual',
      });
      expect(draft.lines).toMatchObject({ data: [], has_more: false, url: `/v1/invoices/${draft.id}/lines`, total_count: 0 });
      expect(types(createdEvents)).toEqual(['invoice.created']);
      expect(finalized).toMatchObject({ status: 'paid', number: `${customer.invoice_prefix}-0001` });
      expect(types(finalizedEvents)).toEqual(['invoice.finalized', 'invoice.paid']);
      expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ next_invoice_sequence: 2 });
      const missing = await rejection(stripe.invoices.create({ customer: 'cus_missing' }));
      expect([missing.statusCode, missing.param]).toEqual([400, 'customer']);
    });

    it('deletes only drafts: the stub, invoice.deleted, then 404', async () => {
      const customer = await stripe.customers.create({});
      const draft = await stripe.invoices.create({ customer: customer.id });

      const [deleted, events] = await eventsOf(() => stripe.invoices.del(draft.id));

      expect(json(deleted)).toEqual({ id: draft.id, object: 'invoice', deleted: true });
      expect(types(events)).toEqual(['invoice.deleted']);
      expect((await rejection(stripe.invoices.retrieve(draft.id))).statusCode).toBe(404);
      const paid = invoices().find((invoice) => invoice.status === 'paid')!;
      expect((await rejection(stripe.invoices.del(paid.id))).statusCode).toBe(400);
    });
  });

  describe('payments and refunds', () => {
    const refundable = () =>
      emulator
        .listObjectIds('charge')
        .map((id) => emulator.getObject('charge', id)!)
        .filter((charge) => charge.status === 'succeeded' && charge.amount_refunded === 0 && charge.amount > 100);

    it('refunds part, then the rest, of a charge; the charge follows, with charge.refunded; a third refund is refused', async () => {
      const [charge] = refundable();

      const [partial, first] = await eventsOf(() =>
        stripe.refunds.create({ charge: charge.id, amount: 100, reason: 'requested_by_customer', metadata: { ticket: '42' } }),
      );
      emulator.setClock(now + 1);
      const [rest, second] = await eventsOf(() => stripe.refunds.create({ payment_intent: charge.payment_intent as string }));

      expect(partial).toMatchObject({
        amount: 100,
        charge: charge.id,
        payment_intent: charge.payment_intent,
        status: 'succeeded',
        reason: 'requested_by_customer',
        metadata: { ticket: '42' },
        created: now,
      });
      expect(types(first)).toEqual(['refund.created', 'charge.refunded']);
      expect(first[1].data.object).toMatchObject({ id: charge.id, amount_refunded: 100, refunded: false });
      expect(first[1].data.previous_attributes).toEqual({ amount_refunded: 0 });
      expect(rest.amount).toBe(charge.amount - 100);
      expect(second[1].data.object).toMatchObject({ amount_refunded: charge.amount, refunded: true });
      expect(second[1].data.previous_attributes).toEqual({ amount_refunded: 100, refunded: false });
      expect((await stripe.refunds.list({ charge: charge.id })).data.map((refund) => refund.id)).toEqual([rest.id, partial.id]);
      const again = await rejection(stripe.refunds.create({ charge: charge.id }));
      expect([again.statusCode, again.code]).toEqual([400, 'charge_already_refunded']);
    });

    it('refuses a refund larger than what is left, or without a charge', async () => {
      const [, charge] = refundable();

      const tooMuch = await rejection(stripe.refunds.create({ charge: charge.id, amount: charge.amount + 1 }));
      const neither = await rejection(stripe.refunds.create({}));
      const unknown = await rejection(stripe.refunds.create({ charge: 'ch_missing' }));

      expect([tooMuch.statusCode, tooMuch.param]).toEqual([400, 'amount']);
      expect(tooMuch.message).toMatch(/^Refund amount \(.+\) is greater than unrefunded amount on charge/);
      expect(neither.statusCode).toBe(400);
      expect([unknown.statusCode, unknown.code]).toEqual([400, 'resource_missing']);
    });

    it('updates charges (charge.updated), refunds (refund.updated) and payment intents (no event: Stripe has none)', async () => {
      const [chargeId] = emulator.listObjectIds('charge');
      const [refundId] = emulator.listObjectIds('refund');
      const [intentId] = emulator.listObjectIds('payment_intent');

      const [, chargeEvents] = await eventsOf(() =>
        stripe.charges.update(chargeId, { description: 'Seat licences', metadata: { a: '1' } }),
      );
      const [, refundEvents] = await eventsOf(() => stripe.refunds.update(refundId, { metadata: { b: '2' } }));
      const [intent, intentEvents] = await eventsOf(() => stripe.paymentIntents.update(intentId, { metadata: { c: '3' } }));

      expect(types(chargeEvents)).toEqual(['charge.updated']);
      expect(chargeEvents[0].data.previous_attributes).toMatchObject({ metadata: { a: null } });
      expect(types(refundEvents)).toEqual(['refund.updated']);
      expect([intent.metadata, intentEvents]).toEqual([{ c: '3' }, []]);
      const amount = await rejection(stripe.paymentIntents.update(intentId, { amount: 5 }));
      expect([amount.statusCode, amount.param]).toEqual([400, 'amount']);
    });
  });

  describe('test controls', () => {
    it('putObject adds any object, served by list and retrieve (an invoice embedding 10 of its lines), without an event', async () => {
      const template = invoices().find((invoice) => invoice.lines.data.length > 0)!;
      const id = 'in_PutByTheTest00000000001';
      const lines = Array.from({ length: 12 }, (_, i) => ({
        ...template.lines.data[0],
        id: `il_PutByTheTest000000000${String(i).padStart(2, '0')}`,
        invoice: id,
      }));

      const [, events] = await eventsOf(async () =>
        emulator.putObject({ ...template, id, created: now, lines: { ...template.lines, data: lines, url: `/v1/invoices/${id}/lines` } }),
      );

      expect(events).toEqual([]);
      const [newest] = (await stripe.invoices.list({ limit: 1 })).data;
      expect([newest.id, newest.lines.data.length, newest.lines.has_more]).toEqual([id, 10, true]);
      expect((await stripe.invoices.listLineItems(id, { limit: 100 })).data.map((line) => line.id)).toEqual(lines.map((line) => line.id));
      expect(emulator.getObject('invoice', id)!.lines.data).toHaveLength(12);
      expect(emulator.listObjectIds('invoice').at(-1)).toBe(id);
    });

    it('getObject gives a copy; putObject replaces; removeObject forgets; an unknown type is refused', async () => {
      const [id] = emulator.listObjectIds('customer');
      const copy = emulator.getObject('customer', id) as Stripe.Customer;
      copy.name = 'Changed in the copy';
      expect((emulator.getObject('customer', id) as Stripe.Customer).name).not.toBe('Changed in the copy');

      emulator.putObject(copy);
      expect(((await stripe.customers.retrieve(id)) as Stripe.Customer).name).toBe('Changed in the copy');
      emulator.removeObject('customer', id);
      expect((await rejection(stripe.customers.retrieve(id))).statusCode).toBe(404);
      expect(emulator.getObject('customer', id)).toBeUndefined();
      expect(() => emulator.putObject({ id: 'cpn_1', object: 'coupon' } as never)).toThrow(TypeError);
      expect(() => emulator.listObjectIds('coupon' as never)).toThrow(TypeError);
    });
  });

  describe('events', () => {
    it('takes at most 20 values in types[]', async () => {
      const twenty = Array.from({ length: 20 }, (_, i) => `type.${i}`);

      expect((await stripe.events.list({ types: twenty })).data).toEqual([]);
      const error = await rejection(stripe.events.list({ types: [...twenty, 'customer.created'] }));
      expect([error.statusCode, error.type, error.param]).toEqual([400, 'StripeInvalidRequestError', 'types']);
    });

    it('lists the new types for catch-up and signs their webhook deliveries', async () => {
      // Real time: signatures carry the clock's time, and the SDK checks it against its own.
      emulator.setClock(undefined);
      const since = Math.floor(Date.now() / 1000);
      const received: string[] = [];
      const server: Server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          try {
            received.push(
              stripe.webhooks.constructEvent(Buffer.concat(chunks).toString(), request.headers['stripe-signature'] as string, secret).type,
            );
            response.writeHead(200).end();
          } catch {
            response.writeHead(400).end();
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { id: endpoint, secret } = emulator.addWebhookEndpoint({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
        enabledEvents: ['customer.created', 'product.created', 'price.created'],
      });
      try {
        const product = await stripe.products.create({ name: 'Hooked' });
        await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 1 });
        await stripe.customers.create({ name: 'Hooked' });
        await emulator.waitForWebhooks();

        expect(received).toEqual(['product.created', 'price.created', 'customer.created']);
        const caught = await stripe.events.list({ types: ['customer.created', 'product.created'], created: { gte: since }, limit: 100 });
        expect(types(caught.data)).toEqual(['customer.created', 'product.created']);
      } finally {
        emulator.removeWebhookEndpoint(endpoint);
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
});
