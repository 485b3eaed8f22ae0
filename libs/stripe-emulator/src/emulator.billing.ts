import type Stripe from 'stripe';
import {
  chargeTemplate,
  customerTemplate,
  invoiceLineTemplate,
  invoiceTemplate,
  paymentIntentTemplate,
  productTemplate,
  refundTemplate,
  wireDecimal,
} from './emulator.fixtures.js';
import { type BillingObject, type Facts, idOf, type ObjectEntry, type ObjectType } from './emulator.objects.js';
import {
  addInterval,
  batchId,
  between,
  catalogPrices,
  catalogProductId,
  catalogSize,
  childId,
  DAY,
  type GeneratedSubscriptions,
  indexDigits,
  invoiceDraw,
  makeId,
  pick,
  prng,
  randomDigits,
  renderSeeded,
  type SeededSubscription,
  seededCurrency,
  YEAR,
} from './emulator.seed.js';

/*
 * The account around the generated subscriptions: their customers, the catalog their items come
 * from, and for each subscription its newest invoices with their payments and refunds. Like the
 * subscriptions, the generated objects are compact records that render on demand; an invoice
 * renders its lines from its subscription's items, a payment its amount from its invoice.
 */

const HOUR = 3600;
/** The account the generated links (hosted invoices, receipts) point into. */
const ACCOUNT = 'acct_1EmuLat0rAcc0unt';
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const FIRST_NAMES = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger', 'Hedy', 'Tim', 'Radia', 'Donald'];
const LAST_NAMES = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Dijkstra', 'Lamarr', 'Perlman', 'Knuth'];
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];
const PRODUCT_NAMES = [
  'Starter plan',
  'Pro plan',
  'Business plan',
  'Enterprise plan',
  'Extra seat',
  'Storage 100 GB',
  'Priority support',
  'API calls 10k',
  'Single sign-on',
  'Audit log',
  'Analytics',
  'Custom domain',
  'Daily backups',
  'Email credits',
  'SMS credits',
  'Data export',
  'Sandbox',
  'Premium templates',
  'Team workspace',
  'Compliance pack',
];
const CURRENCY_SIGNS: Record<string, string> = { usd: '$', eur: '€', gbp: '£' };
const CARDS = [
  ['visa', '4242', 60],
  ['mastercard', '4444', 30],
  ['amex', '8431', 10],
] as const;

/** Names of the catalog's products, by id: invoice lines quote them. */
const productNames = new Map<string, string>();

function productName(id: string): string {
  return productNames.get(id) ?? id;
}

/** `count` characters of `alphabet`, drawn from `random`. */
function token(random: () => number, count: number, alphabet = ALPHANUMERIC): string {
  let text = '';
  for (let i = 0; i < count; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

/** A PRNG seeded by a string, for details that must agree wherever the string appears (a card by its payment method). */
function prngOf(text: string): () => number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return prng(hash);
}

/** An amount as Stripe's messages and line descriptions write it: `$9.00`. */
export function money(amount: number, currency: string): string {
  return `${CURRENCY_SIGNS[currency] ?? `${currency.toUpperCase()} `}${(amount / 100).toFixed(2)}`;
}

function productObject(id: string, name: string, created: number, defaultPrice: string | null): Stripe.Product {
  return { ...productTemplate, id, name, created, updated: created, default_price: defaultPrice };
}

/** The product of a price made up for a client (see `priceById`), so that it lists like the catalog's. */
export function productOfPrice(price: Stripe.Price): Stripe.Product {
  const id = idOf(price.product)!;
  return productObject(id, productNames.get(id) ?? `Product of ${price.id}`, price.created, price.id);
}

/** Every price a generated subscription can hold, each with its product; the default price is the monthly USD one. */
function catalogObjects(size: number): BillingObject[] {
  const objects: BillingObject[] = [];
  for (let product = 0; product < size; product++) {
    const prices = catalogPrices(product);
    const id = catalogProductId(product);
    const name = PRODUCT_NAMES[product] ?? `Add-on ${product + 1}`;
    productNames.set(id, name);
    objects.push(productObject(id, name, prices[0].created, prices[0].id), ...prices);
  }
  return objects;
}

interface Identity {
  name: string;
  email: string;
  phone: string | null;
  invoicePrefix: string;
  metadata: Stripe.Metadata;
}

/** A generated customer: its id and time, and a PRNG seed from which the rest is rebuilt. */
class SeededCustomer implements ObjectEntry {
  /** Invoices numbered so far: a customer's invoice numbers count up from 1. */
  invoices = 0;

  constructor(
    readonly id: string,
    readonly created: number,
    private readonly seed: number,
    /** Its oldest subscription, whose currency becomes the customer's; none for a customer without subscriptions. */
    private readonly firstSubscription: SeededSubscription | undefined,
  ) {}

  get facts(): Facts {
    return { email: this.identity().email };
  }

  /** Who the customer is; invoices copy it. */
  identity(): Identity {
    const random = prng(this.seed);
    const first = FIRST_NAMES[between(random, 0, FIRST_NAMES.length - 1)];
    const last = LAST_NAMES[between(random, 0, LAST_NAMES.length - 1)];
    const email = `${first}.${last}${between(random, 1, 999)}@${EMAIL_DOMAINS[between(random, 0, EMAIL_DOMAINS.length - 1)]}`.toLowerCase();
    const phone = random() < 0.4 ? `+1555${String(between(random, 0, 9_999_999)).padStart(7, '0')}` : null;
    const invoicePrefix = token(random, 8, '0123456789ABCDEF');
    const metadata: Stripe.Metadata = random() < 0.3 ? { user_id: String(between(random, 1000, 999_999)) } : {};
    return { name: `${first} ${last}`, email, phone, invoicePrefix, metadata };
  }

  render(): Stripe.Customer {
    const { name, email, phone, invoicePrefix, metadata } = this.identity();
    return {
      ...customerTemplate,
      id: this.id,
      created: this.created,
      currency: this.firstSubscription ? seededCurrency(this.firstSubscription) : null,
      email,
      invoice_prefix: invoicePrefix,
      metadata,
      name,
      next_invoice_sequence: this.invoices + 1,
      phone,
    };
  }
}

type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void';
type PaymentOutcome = 'succeeded' | 'failed' | 'canceled';

/** What a generated invoice's lists and render need beyond its subscription. */
interface InvoiceState {
  status: InvoiceStatus;
  collectionMethod: Stripe.Invoice.CollectionMethod;
  /** The start of the period whose usage it bills; its `created` ends it. */
  periodStart: number;
  /** Bills a trial, at no charge. */
  trial: boolean;
  /** A draft Stripe finalizes by itself, an hour after it drafted it; a draft held for review does not. */
  autoAdvance: boolean;
  finalizedAt: number | null;
  paidAt: number | null;
  voidedAt: number | null;
  nextAttempt: number | null;
  attempts: number;
  /** Seeds the render's random details: line ids, links. */
  seed: number;
}

/** A generated invoice of a generated subscription; 0 is the subscription's newest. */
class SeededInvoice implements ObjectEntry {
  /** Its number among the customer's invoices; 0 for a draft, which has none. */
  sequence = 0;
  payment: SeededPayment | undefined;

  constructor(
    readonly id: string,
    readonly subscription: SeededSubscription,
    readonly customer: SeededCustomer,
    readonly index: number,
    readonly created: number,
    readonly state: InvoiceState,
  ) {}

  get facts(): Facts {
    const { status, collectionMethod } = this.state;
    return { customer: this.customer.id, subscription: this.subscription.id, status, collection_method: collectionMethod };
  }

  render(): Stripe.Invoice {
    const { subscription, lines, total } = billOf(this);
    const { status, collectionMethod, periodStart, autoAdvance, finalizedAt, paidAt, voidedAt, nextAttempt, attempts } = this.state;
    const { id, created, customer } = this;
    const who = customer.identity();
    const paid = status === 'paid' ? total : 0;
    const link = token(prng(this.state.seed ^ 0x5bd1e995), 40);
    const finalized = finalizedAt !== null;
    return {
      ...invoiceTemplate,
      id,
      amount_due: total,
      amount_paid: paid,
      amount_remaining: total - paid,
      attempt_count: attempts,
      attempted: attempts > 0,
      auto_advance: autoAdvance,
      automatically_finalizes_at: status === 'draft' && autoAdvance ? created + HOUR : null,
      billing_reason: created === subscription.created ? 'subscription_create' : 'subscription_cycle',
      collection_method: collectionMethod,
      created,
      currency: subscription.currency,
      customer: customer.id,
      customer_email: who.email,
      customer_name: who.name,
      customer_phone: who.phone,
      default_payment_method: null,
      due_date: collectionMethod === 'send_invoice' ? (finalizedAt ?? created) + (subscription.days_until_due ?? 30) * DAY : null,
      effective_at: finalizedAt,
      ending_balance: finalized ? 0 : null,
      hosted_invoice_url: finalized ? `https://invoice.stripe.com/i/${ACCOUNT}/test_${link}` : null,
      invoice_pdf: finalized ? `https://pay.stripe.com/invoice/${ACCOUNT}/test_${link}/pdf` : null,
      lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
      next_payment_attempt: nextAttempt,
      number: this.sequence > 0 ? `${who.invoicePrefix}-${String(this.sequence).padStart(4, '0')}` : null,
      parent: {
        quote_details: null,
        subscription_details: { metadata: subscription.metadata, subscription: subscription.id },
        type: 'subscription_details',
      },
      period_end: created,
      period_start: periodStart,
      status,
      status_transitions: { finalized_at: finalizedAt, marked_uncollectible_at: null, paid_at: paidAt, voided_at: voidedAt },
      subtotal: total,
      subtotal_excluding_tax: total,
      total,
      total_excluding_tax: total,
      webhooks_delivered_at: created,
    };
  }
}

/** An invoice's subscription as it was generated, its lines (one per item) and their sum. */
function billOf(invoice: SeededInvoice): { subscription: Stripe.Subscription; lines: Stripe.InvoiceLineItem[]; total: number } {
  const subscription = renderSeeded(invoice.subscription);
  const { created, index, state } = invoice;
  const random = prng(state.seed);
  const { currency } = subscription;
  let total = 0;
  const lines = subscription.items.data.map((item, line): Stripe.InvoiceLineItem => {
    const { price } = item;
    const interval = price.recurring!.interval;
    const product = idOf(price.product)!;
    const unit = state.trial ? 0 : price.unit_amount!;
    const quantity = item.quantity ?? 1;
    const amount = unit * quantity;
    total += amount;
    return {
      ...invoiceLineTemplate,
      id: childId('il', invoice.subscription, [indexDigits(index), indexDigits(line)], randomDigits(24, random)),
      amount,
      currency,
      description: state.trial
        ? `Trial period for ${productName(product)}`
        : `${quantity} × ${productName(product)} (at ${money(unit, currency)} / ${interval})`,
      invoice: invoice.id,
      parent: {
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: null,
          proration: false,
          proration_details: { credited_items: null },
          subscription: subscription.id,
          subscription_item: item.id,
        },
        type: 'subscription_item_details',
      },
      period: { start: created, end: state.trial ? subscription.trial_end! : addInterval(created, interval) },
      pricing: { price_details: { price: price.id, product }, type: 'price_details', unit_amount_decimal: wireDecimal(String(unit)) },
      quantity,
      quantity_decimal: wireDecimal(String(quantity)),
      subscription: subscription.id,
      subtotal: amount,
    };
  });
  return { subscription, lines, total };
}

/** The payment of a generated invoice: one intent, its one charge, and at most one refund. */
class SeededPayment {
  refund: { id: string; created: number; amount: number; reason: Stripe.Refund.Reason | null } | undefined;

  constructor(
    readonly invoice: SeededInvoice,
    readonly outcome: PaymentOutcome,
    /** The invoice's total, kept so that a payment renders without the invoice's lines. */
    readonly amount: number,
    readonly intentId: string,
    readonly chargeId: string,
    readonly intentCreated: number,
    readonly chargeCreated: number,
    readonly seed: number,
  ) {}

  /** What the intent, the charge and the refund share. */
  details() {
    const subscription = renderSeeded(this.invoice.subscription);
    const who = this.invoice.customer.identity();
    const random = prng(this.seed);
    // A card payment: the subscription's default card, or one the customer entered on the hosted invoice.
    const paymentMethod = subscription.default_payment_method ?? makeId('pm', 24, random);
    return {
      total: this.amount,
      currency: subscription.currency,
      customer: this.invoice.customer.id,
      who,
      paymentMethod: paymentMethod as string,
      description: this.invoice.created === subscription.created ? 'Subscription creation' : 'Subscription update',
      random,
    };
  }

  /** Balance transactions are not served, but charges and refunds name theirs. */
  transactionId(which: 0 | 1): string {
    return childId('txn', this.invoice.subscription, [indexDigits(this.invoice.index), [which]], randomDigits(24, prng(this.seed ^ which)));
  }
}

/** The card a payment method stands for, the same wherever it is used. */
export function cardOf(paymentMethod: string, amountAuthorized: number | null): Stripe.Charge.PaymentMethodDetails {
  const random = prngOf(paymentMethod);
  const [brand, last4] = pick(random, CARDS.map(([brand, last4, weight]) => [[brand, last4], weight] as const));
  return {
    card: {
      ...chargeTemplate.payment_method_details!.card!,
      amount_authorized: amountAuthorized,
      brand,
      exp_month: between(random, 1, 12),
      exp_year: between(random, 2027, 2033),
      fingerprint: token(random, 16),
      last4,
      network: brand,
    },
    type: 'card',
  };
}

/** How a card payment fails: Stripe's error code, the bank's decline code, and the message for the customer. */
export interface Decline {
  code: 'card_declined';
  decline_code: string;
  message: string;
}

export const INSUFFICIENT_FUNDS: Decline = { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' };

/** A payment intent's error after a declined charge. */
export function paymentError(decline: Decline, charge: string): Stripe.PaymentIntent.LastPaymentError {
  return { ...decline, charge, doc_url: 'https://stripe.com/docs/error-codes/card-declined', payment_method_type: 'card', type: 'card_error' };
}

/** A charge's outcome: authorized, or declined by the card's bank. */
export function chargeOutcome(decline: Decline | undefined, riskScore: number): Stripe.Charge.Outcome {
  if (!decline) return { ...chargeTemplate.outcome!, risk_score: riskScore };
  return {
    advice_code: 'try_again_later',
    network_advice_code: null,
    network_decline_code: '51',
    network_status: 'declined_by_network',
    reason: decline.decline_code,
    risk_level: 'normal',
    risk_score: riskScore,
    seller_message: `The bank returned the decline code \`${decline.decline_code}\`.`,
    type: 'issuer_declined',
  };
}

/** A receipt link, as succeeded charges carry. */
export function receiptUrl(random: () => number): string {
  return `https://pay.stripe.com/receipts/invoices/${token(random, 60)}?s=ap`;
}

class SeededIntent implements ObjectEntry {
  constructor(private readonly payment: SeededPayment) {}

  get id(): string {
    return this.payment.intentId;
  }

  get created(): number {
    return this.payment.intentCreated;
  }

  get facts(): Facts {
    return { customer: this.payment.invoice.customer.id };
  }

  render(): Stripe.PaymentIntent {
    const { outcome, chargeId, invoice } = this.payment;
    const { total, currency, customer, paymentMethod, description, random } = this.payment.details();
    const succeeded = outcome === 'succeeded';
    return {
      ...paymentIntentTemplate,
      id: this.id,
      amount: total,
      amount_received: succeeded ? total : 0,
      canceled_at: outcome === 'canceled' ? invoice.state.voidedAt : null,
      cancellation_reason: outcome === 'canceled' ? 'void_invoice' : null,
      client_secret: `${this.id}_secret_${token(random, 25)}`,
      created: this.created,
      currency,
      customer,
      description,
      last_payment_error: succeeded ? null : paymentError(INSUFFICIENT_FUNDS, chargeId),
      latest_charge: chargeId,
      // A failed payment detaches its method, so that the customer can give another.
      payment_method: succeeded ? paymentMethod : null,
      status: succeeded ? 'succeeded' : outcome === 'canceled' ? 'canceled' : 'requires_payment_method',
    };
  }
}

class SeededCharge implements ObjectEntry {
  constructor(private readonly payment: SeededPayment) {}

  get id(): string {
    return this.payment.chargeId;
  }

  get created(): number {
    return this.payment.chargeCreated;
  }

  get facts(): Facts {
    return { customer: this.payment.invoice.customer.id, payment_intent: this.payment.intentId };
  }

  render(): Stripe.Charge {
    const { outcome, intentId, refund } = this.payment;
    const { total, currency, customer, who, paymentMethod, description, random } = this.payment.details();
    const succeeded = outcome === 'succeeded';
    const refunded = refund?.amount ?? 0;
    return {
      ...chargeTemplate,
      id: this.id,
      amount: total,
      amount_captured: succeeded ? total : 0,
      amount_refunded: refunded,
      balance_transaction: succeeded ? this.payment.transactionId(0) : null,
      billing_details: { ...chargeTemplate.billing_details, email: who.email, name: who.name },
      captured: succeeded,
      created: this.created,
      currency,
      customer,
      description,
      failure_code: succeeded ? null : INSUFFICIENT_FUNDS.code,
      failure_message: succeeded ? null : INSUFFICIENT_FUNDS.message,
      outcome: chargeOutcome(succeeded ? undefined : INSUFFICIENT_FUNDS, between(random, 5, 60)),
      paid: succeeded,
      payment_intent: intentId,
      payment_method: paymentMethod,
      payment_method_details: cardOf(paymentMethod, succeeded ? total : null),
      receipt_url: succeeded ? receiptUrl(random) : null,
      refunded: succeeded && refunded === total,
      status: succeeded ? 'succeeded' : 'failed',
    };
  }
}

class SeededRefund implements ObjectEntry {
  constructor(
    private readonly payment: SeededPayment,
    private readonly refund: NonNullable<SeededPayment['refund']>,
  ) {}

  get id(): string {
    return this.refund.id;
  }

  get created(): number {
    return this.refund.created;
  }

  get facts(): Facts {
    return { charge: this.payment.chargeId, payment_intent: this.payment.intentId };
  }

  render(): Stripe.Refund {
    const { currency, customer, paymentMethod } = this.payment.details();
    return {
      ...refundTemplate,
      id: this.id,
      amount: this.refund.amount,
      balance_transaction: this.payment.transactionId(1),
      charge: this.payment.chargeId,
      created: this.created,
      currency,
      customer,
      payment_intent: this.payment.intentId,
      payment_method: paymentMethod,
      reason: this.refund.reason,
    };
  }
}

/** The latest invoice's status by the subscription's: a subscription behind on payment has an open one. */
const LATEST_STATUS: Record<Stripe.Subscription.Status, readonly (readonly [InvoiceStatus, number])[]> = {
  active: [['paid', 98], ['draft', 2]],
  trialing: [['paid', 1]],
  paused: [['paid', 1]],
  past_due: [['open', 1]],
  unpaid: [['open', 1]],
  incomplete: [['open', 1]],
  incomplete_expired: [['void', 1]],
  canceled: [['paid', 80], ['void', 20]],
};

const REFUND_REASONS = [['requested_by_customer', 70], ['duplicate', 10], [null, 20]] as const;

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
function draftedStatus(subscription: Stripe.Subscription, index: number, trial: boolean, finalizeAt: number, now: number, random: () => number): InvoiceStatus {
  if (trial) return 'paid';
  if (finalizeAt > now) return 'draft';
  if (index === 0) return pick(random, LATEST_STATUS[subscription.status]);
  // An older invoice was paid, or now and then voided (a billing mistake).
  return random() < 0.02 ? 'void' : 'paid';
}

/** Draws when a finalized invoice was paid or voided, and how its payment went, if it was attempted. */
function settle(state: InvoiceState, subscription: Stripe.Subscription, index: number, now: number, random: () => number): PaymentOutcome | undefined {
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
    const id = index === 0 ? (subscription.latest_invoice as string) : childId('in', record, [indexDigits(index)], randomDigits(24, random));
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

function generatePayment(invoice: SeededInvoice, outcome: PaymentOutcome, total: number, refundShare: number, random: () => number): SeededPayment {
  const { subscription: record, index, state } = invoice;
  const { now } = record.batch;
  const id = (prefix: string) => childId(prefix, record, [indexDigits(index)], randomDigits(24, random));
  const intentCreated = state.finalizedAt!;
  const chargeCreated = state.paidAt ?? Math.min(now, intentCreated + between(random, 2, 30));
  const payment = new SeededPayment(invoice, outcome, total, id('pi'), id('ch'), intentCreated, chargeCreated, Math.floor(random() * 2 ** 30));
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
  /** The catalog's products and prices, the same for every seed: added where absent. */
  catalog: BillingObject[];
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
    catalog: catalogObjects(catalogSize(batch)),
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
