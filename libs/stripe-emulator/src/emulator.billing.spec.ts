import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { type SeedOptions, StripeEmulator, type StripeEmulatorObjectType } from './index.js';
import {
  chargeTemplate,
  customerTemplate,
  invoiceLineTemplate,
  invoiceTemplate,
  paymentIntentTemplate,
  priceTemplate,
  productTemplate,
  refundTemplate,
} from './emulator.fixtures.js';
import { clientFor } from './emulator.test-support.js';

const NOW = 1_780_000_000;
const SEED = { subscriptions: 200, seed: 23, now: NOW, extraCustomers: 12 };
const BILLING_TYPES = ['customer', 'product', 'price', 'invoice', 'payment_intent', 'charge', 'refund'] as const;

/** Every object of a type as the emulator holds it. */
function all<T extends StripeEmulatorObjectType>(emulator: StripeEmulator, type: T) {
  return emulator.listObjectIds(type).map((id) => emulator.getObject(type, id)!);
}

function groupBy<T>(values: T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) groups.set(key(value), [...(groups.get(key(value)) ?? []), value]);
  return groups;
}

const subscriptionOf = (invoice: Stripe.Invoice) => invoice.parent!.subscription_details!.subscription as string;

describe('StripeEmulator seeded account', () => {
  let emulator: StripeEmulator;
  let subscriptions: Stripe.Subscription[];
  let invoices: Stripe.Invoice[];
  let intents: Stripe.PaymentIntent[];
  let charges: Stripe.Charge[];
  let refunds: Stripe.Refund[];

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: SEED });
    subscriptions = all(emulator, 'subscription');
    invoices = all(emulator, 'invoice');
    intents = all(emulator, 'payment_intent');
    charges = all(emulator, 'charge');
    refunds = all(emulator, 'refund');
  });

  afterAll(() => emulator.stop());

  it('gives every subscription a listable customer created before its first subscription, and adds the extra customers', async () => {
    const stripe = clientFor(emulator);
    const listed = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    const byId = new Map(listed.map((customer) => [customer.id, customer]));
    const distinct = new Set(subscriptions.map((subscription) => subscription.customer as string));

    expect(listed).toHaveLength(distinct.size + 12);
    for (const [customer, owned] of groupBy(subscriptions, (subscription) => subscription.customer as string)) {
      const listedCustomer = byId.get(customer)!;
      expect(listedCustomer.created).toBeLessThan(Math.min(...owned.map((subscription) => subscription.created)));
      expect(listedCustomer.email).toMatch(/^[a-z]+\.[a-z]+\d+@example\.(com|org|net)$/);
      expect(listedCustomer.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(listedCustomer.currency).toBe(owned.toSorted((a, b) => a.created - b.created)[0].currency);
    }
    const extra = listed.filter((customer) => !distinct.has(customer.id));
    expect(extra).toHaveLength(12);
    for (const customer of extra)
      expect([customer.created <= NOW, customer.currency, customer.id]).toEqual([
        true,
        null,
        expect.stringMatching(/^cus_[A-Za-z0-9]{14}$/),
      ]);
  });

  it('lists every price a subscription item holds, and its product', async () => {
    const stripe = clientFor(emulator);
    const prices = new Map((await stripe.prices.list({ limit: 100 }).autoPagingToArray({ limit: 1000 })).map((price) => [price.id, price]));
    const products = new Set((await stripe.products.list({ limit: 100 }).autoPagingToArray({ limit: 1000 })).map((product) => product.id));

    for (const item of subscriptions.flatMap((subscription) => subscription.items.data)) {
      const price = prices.get(item.price.id);
      expect(price && JSON.parse(JSON.stringify(price))).toEqual(item.price);
      expect(products.has(item.price.product as string)).toBe(true);
    }
    for (const price of prices.values()) expect(products.has(price.product as string)).toBe(true);
  });

  it('gives a subscription 1 to 3 invoices, the newest its latest_invoice, each with one line per item that sum to its total', () => {
    const bySubscription = groupBy(invoices, subscriptionOf);
    const withInvoices = subscriptions.filter((subscription) => subscription.latest_invoice !== null);

    expect(withInvoices.length).toBeGreaterThan(180);
    expect(invoices.some((invoice) => invoice.lines.data.length > 10)).toBe(true);
    expect([...bySubscription.keys()].sort()).toEqual(withInvoices.map((subscription) => subscription.id).sort());
    for (const subscription of withInvoices) {
      const own = bySubscription.get(subscription.id)!.toSorted((a, b) => b.created - a.created);
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(3);
      expect(own[0].id).toBe(subscription.latest_invoice);
      for (const invoice of own) {
        expect(invoice.customer).toBe(subscription.customer);
        expect(invoice.parent).toEqual({
          quote_details: null,
          subscription_details: { metadata: subscription.metadata, subscription: subscription.id },
          type: 'subscription_details',
        });
        expect(invoice.created).toBeGreaterThanOrEqual(subscription.created);
        expect(invoice.created).toBeLessThanOrEqual(subscription.ended_at ?? NOW);
        expect(invoice.currency).toBe(subscription.currency);
        const lines = invoice.lines.data;
        // One comparison per invoice: what each line must say of its item, and what it says.
        const expected = subscription.items.data.map((item) => [
          item.id,
          subscription.id,
          item.price.id,
          item.price.product,
          item.quantity,
          invoice.id,
          invoice.created,
          true,
        ]);
        const actual = lines.map((line) => {
          const { parent, pricing, period } = line;
          const consistent =
            parent!.type === 'subscription_item_details' &&
            parent!.subscription_item_details!.proration === false &&
            pricing!.type === 'price_details' &&
            line.amount === Number(pricing!.unit_amount_decimal) * line.quantity! &&
            period.end > period.start;
          const { subscription_item, subscription: owner } = parent!.subscription_item_details!;
          return [
            subscription_item,
            owner,
            pricing!.price_details!.price,
            pricing!.price_details!.product,
            line.quantity,
            line.invoice,
            period.start,
            consistent,
          ];
        });
        expect(actual).toEqual(expected);
        const sum = lines.reduce((total, line) => total + line.amount, 0);
        expect([invoice.subtotal, invoice.total, invoice.amount_due]).toEqual([sum, sum, sum]);
        expect(invoice.amount_paid).toBe(invoice.status === 'paid' ? sum : 0);
        expect(invoice.amount_remaining).toBe(invoice.amount_due - invoice.amount_paid);
      }
    }
  });

  it('sets invoice statuses and times the way their subscriptions say', () => {
    const latest = new Map(invoices.map((invoice) => [invoice.id, invoice]));
    const latestOf = (status: Stripe.Subscription.Status) =>
      subscriptions
        .filter((subscription) => subscription.status === status && subscription.latest_invoice)
        .map((subscription) => latest.get(subscription.latest_invoice as string)!);

    for (const invoice of latestOf('past_due')) expect(invoice.status).toBe('open');
    for (const invoice of latestOf('incomplete_expired')) expect(invoice.status).toBe('void');
    for (const invoice of latestOf('trialing')) expect([invoice.status, invoice.total]).toEqual(['paid', 0]);
    const statuses = new Set(invoices.map((invoice) => invoice.status));
    expect([...statuses].sort()).toEqual(['draft', 'open', 'paid', 'void']);
    expect(invoices.filter((invoice) => invoice.status === 'paid').length).toBeGreaterThan(invoices.length * 0.7);
    for (const invoice of invoices) {
      const { finalized_at, paid_at, voided_at } = invoice.status_transitions;
      expect(invoice.number === null).toBe(invoice.status === 'draft');
      expect(finalized_at === null).toBe(invoice.status === 'draft');
      expect(paid_at !== null).toBe(invoice.status === 'paid');
      expect(voided_at !== null).toBe(invoice.status === 'void');
      for (const time of [finalized_at, paid_at, voided_at])
        if (time !== null) expect([time >= invoice.created, time <= NOW]).toEqual([true, true]);
    }
    // Numbers count up per customer.
    for (const own of groupBy(
      invoices.filter((invoice) => invoice.number),
      (invoice) => invoice.customer as string,
    ).values()) {
      const numbers = own
        .toSorted((a, b) => a.status_transitions.finalized_at! - b.status_transitions.finalized_at!)
        .map((invoice) => invoice.number!.split('-')[1]);
      expect(numbers).toEqual(numbers.map((_, index) => String(index + 1).padStart(4, '0')));
    }
  });

  it('pays each paid invoice with a succeeded payment intent and charge that link up, and records failed attempts', () => {
    const chargeById = new Map(charges.map((charge) => [charge.id, charge]));
    const paid = invoices.filter((invoice) => invoice.status === 'paid' && invoice.total > 0);

    for (const invoice of paid) {
      const matching = intents.filter(
        (intent) =>
          intent.customer === invoice.customer &&
          intent.amount === invoice.total &&
          intent.created === invoice.status_transitions.finalized_at,
      );
      expect(matching).toHaveLength(1);
      const [intent] = matching;
      expect([intent.status, intent.amount_received, intent.currency]).toEqual(['succeeded', invoice.total, invoice.currency]);
      const charge = chargeById.get(intent.latest_charge as string)!;
      expect(charge).toMatchObject({
        payment_intent: intent.id,
        customer: invoice.customer,
        amount: invoice.total,
        status: 'succeeded',
        paid: true,
        captured: true,
      });
      expect(charge.created).toBe(invoice.status_transitions.paid_at);
      expect(charge.outcome?.type).toBe('authorized');
      expect(charge.receipt_url).toMatch(/^https:\/\/pay\.stripe\.com\/receipts\//);
    }
    expect(intents.filter((intent) => intent.status === 'succeeded')).toHaveLength(paid.length);
    for (const intent of intents) {
      const charge = chargeById.get(intent.latest_charge as string)!;
      expect([charge.payment_intent, charge.customer, charge.amount]).toEqual([intent.id, intent.customer, intent.amount]);
      expect(charge.status).toBe(intent.status === 'succeeded' ? 'succeeded' : 'failed');
      if (intent.status !== 'succeeded')
        expect([charge.outcome?.type, intent.last_payment_error?.code]).toEqual(['issuer_declined', 'card_declined']);
    }
    expect(intents.some((intent) => intent.status === 'requires_payment_method')).toBe(true);
    expect(charges).toHaveLength(intents.length);
  });

  it('refunds a few percent of charges, fully or partly, and the charges say so', () => {
    const refundsByCharge = groupBy(refunds, (refund) => refund.charge as string);
    const succeeded = charges.filter((charge) => charge.status === 'succeeded');

    expect(refunds.length).toBeGreaterThan(0);
    expect(refunds.length).toBeLessThan(succeeded.length * 0.15);
    for (const charge of charges) {
      const own = refundsByCharge.get(charge.id) ?? [];
      expect(charge.amount_refunded).toBe(own.reduce((sum, refund) => sum + refund.amount, 0));
      expect(charge.refunded).toBe(charge.amount_refunded === charge.amount);
      for (const refund of own) {
        expect([refund.payment_intent, refund.customer, refund.currency, refund.status]).toEqual([
          charge.payment_intent,
          charge.customer,
          charge.currency,
          'succeeded',
        ]);
        expect(refund.created).toBeGreaterThanOrEqual(charge.created);
        expect(refund.created).toBeLessThanOrEqual(NOW);
      }
    }
    expect(charges.some((charge) => charge.refunded)).toBe(true);
    expect(charges.some((charge) => charge.amount_refunded > 0 && !charge.refunded)).toBe(true);
  });

  it('has the fields of the templates (API 2026-10-28 shapes) and ids of Stripe shape, unique per type', () => {
    const shapes: [StripeEmulatorObjectType, object, RegExp][] = [
      ['customer', customerTemplate, /^cus_[A-Za-z0-9]{14}$/],
      ['product', productTemplate, /^prod_[A-Za-z0-9]{14}$/],
      ['price', priceTemplate, /^price_[A-Za-z0-9]{24}$/],
      ['invoice', invoiceTemplate, /^in_[A-Za-z0-9]{24}$/],
      ['payment_intent', paymentIntentTemplate, /^pi_[A-Za-z0-9]{24}$/],
      ['charge', chargeTemplate, /^ch_[A-Za-z0-9]{24}$/],
      ['refund', refundTemplate, /^re_[A-Za-z0-9]{24}$/],
    ];
    const lines = invoices.flatMap((invoice) => invoice.lines.data);
    for (const [type, template, id] of [...shapes, ['line_item', invoiceLineTemplate, /^il_[A-Za-z0-9]{24}$/] as const]) {
      const objects = (type === 'line_item' ? lines : all(emulator, type)) as { id: string }[];
      const keys = Object.keys(template).sort().join();
      expect(new Set(objects.map((object) => object.id)).size).toBe(objects.length);
      expect([type, objects.filter((object) => Object.keys(object).sort().join() !== keys || !id.test(object.id))]).toEqual([type, []]);
    }
    for (const object of [...intents, ...charges]) expect('invoice' in object).toBe(false);
    for (const invoice of invoices) expect('subscription' in invoice).toBe(false);
  });

  it('is deterministic: the same seed gives the same account, another seed another one', async () => {
    const twin = await StripeEmulator.start({ seed: SEED });
    const other = await StripeEmulator.start({ seed: { ...SEED, seed: 24 } });
    try {
      for (const type of BILLING_TYPES) expect(JSON.stringify(all(twin, type)) === JSON.stringify(all(emulator, type))).toBe(true);
      for (const type of ['customer', 'invoice', 'charge'] as const)
        expect(other.listObjectIds(type).filter((id) => emulator.getObject(type, id))).toEqual([]);
    } finally {
      await Promise.all([twin.stop(), other.stop()]);
    }
  });
});

describe('StripeEmulator seed options', () => {
  it('leaves the subscriptions generated before the billing objects as they were, but for their latest_invoice ids', async () => {
    // Digests of the subscriptions of these seeds (each applied twice) before invoices were generated, without latest_invoice.
    const before: [SeedOptions, string, number][] = [
      [{ subscriptions: 300, seed: 7, now: NOW }, 'c6b7c7ae41a75dec60f34727d097a43c6e56c1512e1201a59c2ab9a8040d3ce9', 31],
      [
        { subscriptions: 200, seed: 3, now: NOW, minItems: 2, maxItems: 25, customers: 17 },
        '88ae8d86917db9c1917dd202aeb41b59b4c6334eb39b07d480b082576c90f9b0',
        20,
      ],
    ];
    for (const [seed, digest, withoutInvoice] of before) {
      const emulator = await StripeEmulator.start({ seed });
      try {
        emulator.seed(seed);
        const subscriptions = all(emulator, 'subscription');
        const rest = subscriptions.map(({ latest_invoice: _, ...subscription }) => subscription);
        expect(createHash('sha256').update(JSON.stringify(rest)).digest('hex')).toBe(digest);
        expect(subscriptions.filter((subscription) => subscription.latest_invoice === null)).toHaveLength(withoutInvoice);
      } finally {
        await emulator.stop();
      }
    }
  });

  it('gives a denseShare of the subscriptions 11 to 20 items, the rest within minItems..maxItems, and their invoices a line per item', async () => {
    const emulator = await StripeEmulator.start({ seed: { subscriptions: 2000, now: NOW, minItems: 1, maxItems: 3, denseShare: 0.05 } });
    try {
      const counts = all(emulator, 'subscription').map((subscription) => subscription.items.data.length);
      const dense = counts.filter((count) => count > 3);
      expect(dense.length).toBeGreaterThan(2000 * 0.03);
      expect(dense.length).toBeLessThan(2000 * 0.07);
      expect(dense.every((count) => count >= 11 && count <= 20)).toBe(true);
      expect(Math.max(...dense)).toBe(20);
      expect(counts.filter((count) => count <= 3).every((count) => count >= 1)).toBe(true);
      const lines = all(emulator, 'invoice').map((invoice) => invoice.lines.data.length);
      expect(lines.some((count) => count > 10)).toBe(true);
      expect(emulator.listObjectIds('product')).toHaveLength(20);
    } finally {
      await emulator.stop();
    }
  });

  it('generates no invoices or payments with invoicesPerSubscription [0, 0]: latest_invoice is null, customers and catalog stay', async () => {
    const emulator = await StripeEmulator.start({ seed: { subscriptions: 50, now: NOW, invoicesPerSubscription: [0, 0] } });
    try {
      for (const type of ['invoice', 'payment_intent', 'charge', 'refund'] as const) expect(emulator.listObjectIds(type)).toEqual([]);
      expect(all(emulator, 'subscription').every((subscription) => subscription.latest_invoice === null)).toBe(true);
      expect(emulator.listObjectIds('customer')).toHaveLength(25);
      expect(emulator.listObjectIds('price')).toHaveLength(120);
    } finally {
      await emulator.stop();
    }
  });

  it('takes the counts it is given, and keeps ids unique over two seed calls that share the catalog', async () => {
    const seed = { subscriptions: 60, now: NOW, invoicesPerSubscription: [3, 3] as const, refundShare: 1, extraCustomers: 4 };
    const emulator = await StripeEmulator.start({ seed });
    try {
      emulator.seed(seed);
      const subscriptions = all(emulator, 'subscription');
      const invoices = all(emulator, 'invoice');
      // Three where three billing periods have begun: a monthly subscription older than two months and its trial.
      const old = subscriptions.filter(
        (subscription) =>
          subscription.latest_invoice &&
          subscription.status === 'active' &&
          subscription.items.data[0].price.recurring?.interval === 'month' &&
          subscription.created < NOW - 100 * 86_400,
      );
      for (const subscription of old) expect(invoices.filter((invoice) => subscriptionOf(invoice) === subscription.id)).toHaveLength(3);
      expect(old.length).toBeGreaterThan(20);
      const charges = all(emulator, 'charge').filter((charge) => charge.status === 'succeeded');
      expect(emulator.listObjectIds('refund')).toHaveLength(charges.length);
      expect(emulator.listObjectIds('customer')).toHaveLength(2 * (30 + 4));
      expect(emulator.listObjectIds('product')).toHaveLength(20);
      for (const type of BILLING_TYPES) expect(new Set(emulator.listObjectIds(type)).size).toBe(emulator.listObjectIds(type).length);
    } finally {
      await emulator.stop();
    }
  });

  it.each([
    [{ invoicesPerSubscription: [2, 1] }, /invoicesPerSubscription/],
    [{ invoicesPerSubscription: [0, 5000] }, /invoicesPerSubscription/],
    [{ refundShare: 1.5 }, /refundShare/],
    [{ extraCustomers: -1 }, /extraCustomers/],
  ])('rejects %j', async (options, message) => {
    await expect(StripeEmulator.start({ seed: { subscriptions: 5, ...options } as never })).rejects.toThrow(message);
  });
});
