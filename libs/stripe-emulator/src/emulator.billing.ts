import type Stripe from 'stripe';
import { catalogEntries } from './emulator.catalog.js';
import type { ObjectEntry, ObjectType } from './emulator.kinds.js';
import {
  addInterval,
  batchId,
  between,
  catalogSizeOf,
  childId,
  DAY,
  type GeneratedSubscriptions,
  indexDigits,
  invoiceDraw,
  pick,
  prng,
  randomDigits,
  renderSeeded,
  type SeededSubscription,
  YEAR,
} from './emulator.seed.js';
import {
  type InvoiceState,
  type InvoiceStatus,
  type PaymentOutcome,
  SeededCharge,
  SeededCustomer,
  SeededIntent,
  SeededInvoice,
  SeededPayment,
  SeededRefund,
} from './emulator.seeded-objects.js';

/*
 * The account around the generated subscriptions: their customers, the catalog their items come
 * from, and for each subscription its newest invoices (one per billing period begun) with their
 * payments and refunds, consistent with the subscription's status. emulator.seeded-objects.ts
 * renders them.
 */

const HOUR = 3600;

/** The latest invoice's status by the subscription's: a subscription behind on payment has an open one. */
const LATEST_STATUS: Record<Stripe.Subscription.Status, readonly (readonly [InvoiceStatus, number])[]> = {
  active: [
    ['paid', 98],
    ['draft', 2],
  ],
  trialing: [['paid', 1]],
  paused: [['paid', 1]],
  past_due: [['open', 1]],
  unpaid: [['open', 1]],
  incomplete: [['open', 1]],
  incomplete_expired: [['void', 1]],
  canceled: [
    ['paid', 80],
    ['void', 20],
  ],
};

const REFUND_REASONS = [
  ['requested_by_customer', 70],
  ['duplicate', 10],
  [null, 20],
] as const;

/** When a subscription invoiced, newest first: the start of each billing period, and the start of its trial. */
function billingMoments(subscription: Stripe.Subscription, now: number): number[] {
  const { created, billing_cycle_anchor: anchor, status } = subscription;
  const interval = subscription.items.data[0].price.recurring!.interval;
  const until = subscription.ended_at ?? now;
  const moments = anchor > created ? [created] : [];
  // A paused subscription stopped invoicing when its trial ended without a payment method.
  if (status !== 'paused') for (let at = anchor; at <= until; at = addInterval(at, interval)) moments.push(at);
  return moments.reverse();
}

/** A generated invoice's status once drafted: a trial's is paid, one not yet finalized a draft, the newest as its subscription's status says. */
function draftedStatus(
  subscription: Stripe.Subscription,
  index: number,
  trial: boolean,
  finalizeAt: number,
  now: number,
  random: () => number,
): InvoiceStatus {
  if (trial) return 'paid';
  if (finalizeAt > now) return 'draft';
  if (index === 0) return pick(random, LATEST_STATUS[subscription.status]);
  // An older invoice was paid, or now and then voided (a billing mistake).
  return random() < 0.02 ? 'void' : 'paid';
}

/** Draws when a finalized invoice was paid or voided, and how its payment went, if it was attempted. */
function settle(
  state: InvoiceState,
  subscription: Stripe.Subscription,
  index: number,
  now: number,
  random: () => number,
): PaymentOutcome | undefined {
  const finalizedAt = state.finalizedAt!;
  const chargesAutomatically = state.collectionMethod === 'charge_automatically';
  if (state.status === 'paid' && state.trial) {
    state.paidAt = finalizedAt;
    return undefined;
  }
  if (state.status === 'paid' && chargesAutomatically) {
    state.paidAt = Math.min(now, finalizedAt + between(random, 2, 30));
    return 'succeeded';
  }
  if (state.status === 'paid') {
    // Paid by the customer on the hosted invoice some days after it was sent; still open if that is yet to come.
    const paidAt = finalizedAt + between(random, 1, subscription.days_until_due ?? 30) * DAY - between(random, 0, DAY);
    if (paidAt > now) {
      state.status = 'open';
      return undefined;
    }
    state.paidAt = paidAt;
    return 'succeeded';
  }
  if (state.status === 'open' && chargesAutomatically) {
    state.nextAttempt = subscription.status === 'past_due' ? now + between(random, 1, 3) * DAY : null;
    return 'failed';
  }
  if (state.status === 'void') {
    const expired = subscription.status === 'incomplete_expired' && index === 0;
    state.voidedAt = expired ? subscription.ended_at! : Math.min(now, finalizedAt + between(random, HOUR, 10 * DAY));
    // A newest invoice voided after its payment failed: the intent was canceled with it.
    if (index === 0 && chargesAutomatically) return 'canceled';
  }
  return undefined;
}

/** The invoices of one generated subscription, newest first, each with its payment if it has one. */
function generateInvoices(record: SeededSubscription, customer: SeededCustomer, refundShare: number): SeededInvoice[] {
  const subscription = renderSeeded(record);
  if (subscription.latest_invoice === null) return [];
  const { now } = record.batch;
  const { count, random } = invoiceDraw(record);
  const moments = billingMoments(subscription, now);
  const total = subscription.items.data.reduce((sum, item) => sum + item.price.unit_amount! * (item.quantity ?? 1), 0);
  const invoices: SeededInvoice[] = [];
  for (let index = 0; index < Math.min(count, moments.length); index++) {
    const id =
      index === 0 ? (subscription.latest_invoice as string) : childId('in', record, [indexDigits(index)], randomDigits(24, random));
    const created = moments[index];
    const trial = subscription.trial_start !== null && created === subscription.created;
    // Stripe finalizes a subscription's first invoice at once, and the later ones an hour after drafting them.
    const finalizeAt = created === subscription.created ? created : created + HOUR;
    const status = draftedStatus(subscription, index, trial, finalizeAt, now, random);
    const state: InvoiceState = {
      status,
      collectionMethod: subscription.collection_method,
      periodStart: moments[index + 1] ?? created,
      trial,
      // A draft waits for Stripe to finalize it, unless it is held for review.
      autoAdvance: status === 'draft' && finalizeAt > now,
      finalizedAt: status === 'draft' ? null : finalizeAt,
      paidAt: null,
      voidedAt: null,
      nextAttempt: null,
      attempts: 0,
      seed: Math.floor(random() * 2 ** 30),
    };
    const outcome = status === 'draft' ? undefined : settle(state, subscription, index, now, random);
    if (outcome) state.attempts = outcome === 'succeeded' || subscription.status === 'incomplete' ? 1 : between(random, 1, 4);
    const invoice = new SeededInvoice(id, record, customer, index, created, state);
    if (outcome) invoice.payment = generatePayment(invoice, outcome, total, refundShare, random);
    invoices.push(invoice);
  }
  return invoices;
}

function generatePayment(
  invoice: SeededInvoice,
  outcome: PaymentOutcome,
  total: number,
  refundShare: number,
  random: () => number,
): SeededPayment {
  const { subscription: record, index, state } = invoice;
  const { now } = record.batch;
  const id = (prefix: string) => childId(prefix, record, [indexDigits(index)], randomDigits(24, random));
  const intentCreated = state.finalizedAt!;
  const chargeCreated = state.paidAt ?? Math.min(now, intentCreated + between(random, 2, 30));
  const payment = new SeededPayment(
    invoice,
    outcome,
    total,
    id('pi'),
    id('ch'),
    intentCreated,
    chargeCreated,
    Math.floor(random() * 2 ** 30),
  );
  if (outcome === 'succeeded' && random() < refundShare) {
    const full = total < 2 || random() < 0.5;
    payment.refund = {
      id: id('re'),
      created: Math.min(now, chargeCreated + between(random, HOUR, 30 * DAY)),
      amount: full ? total : between(random, 1, total - 1),
      reason: pick(random, REFUND_REASONS),
    };
  }
  return payment;
}

/** What one seed call adds beside its subscriptions. */
export interface SeededBilling {
  /** The catalog's products and prices, the same for every seed of an account: added where absent. */
  catalog: Record<'product' | 'price', ObjectEntry[]>;
  entries: Record<Exclude<ObjectType, 'product' | 'price'>, ObjectEntry[]>;
  /** Each invoice's payment intent: [invoice id, intent id]. */
  intents: [string, string][];
}

/** Customers created before their first subscription, and customers without any. */
function generateCustomers({ batch, customers }: GeneratedSubscriptions): SeededCustomer[] {
  const random = prng(Math.imul(batch.seed, 0x85ebca6b) ^ batch.index);
  const seeded: SeededCustomer[] = [];
  for (const { id, firstSubscription } of customers) {
    if (!firstSubscription) continue;
    const created = firstSubscription.created - between(random, 60, 30 * DAY);
    seeded.push(new SeededCustomer(id, created, Math.floor(random() * 2 ** 30), firstSubscription));
  }
  for (let index = 0; index < batch.extraCustomers; index++) {
    const id = batchId('cus', batch.index, index, random, 14);
    seeded.push(new SeededCustomer(id, batch.now - between(random, 0, 3 * YEAR), Math.floor(random() * 2 ** 30), undefined));
  }
  return seeded;
}

/** Numbers each customer's finalized invoices in the order they were finalized. */
function numberInvoices(invoices: SeededInvoice[]): void {
  const finalized = invoices.filter((invoice) => invoice.state.finalizedAt !== null);
  finalized.sort((a, b) => a.state.finalizedAt! - b.state.finalizedAt! || (a.id < b.id ? -1 : 1));
  for (const invoice of finalized) invoice.sequence = ++invoice.customer.invoices;
}

/** The customers, catalog, invoices and payments of the subscriptions one seed call generated. */
export function generateBilling(generated: GeneratedSubscriptions): SeededBilling {
  const { batch } = generated;
  const customers = generateCustomers(generated);
  const customerById = new Map(customers.map((customer) => [customer.id, customer]));
  const invoices: SeededInvoice[] = [];
  if (batch.invoices[1] > 0) {
    for (const record of batch.records) {
      if (record) invoices.push(...generateInvoices(record, customerById.get(record.customer)!, batch.refundShare));
    }
  }
  numberInvoices(invoices);
  const payments = invoices.flatMap((invoice) => invoice.payment ?? []);
  return {
    catalog: catalogEntries(catalogSizeOf(batch), batch.catalog),
    entries: {
      customer: customers,
      invoice: invoices,
      payment_intent: payments.map((payment) => new SeededIntent(payment)),
      charge: payments.map((payment) => new SeededCharge(payment)),
      refund: payments.flatMap((payment) => (payment.refund ? new SeededRefund(payment, payment.refund) : [])),
    },
    intents: payments.map((payment) => [payment.invoice.id, payment.intentId]),
  };
}
