import type Stripe from 'stripe';
import { cardOf, chargeOutcome, INSUFFICIENT_FUNDS, money, paymentError, receiptUrl } from './emulator.cards.js';
import { productName } from './emulator.catalog.js';
import {
  chargeTemplate,
  customerTemplate,
  invoiceLineTemplate,
  invoiceTemplate,
  paymentIntentTemplate,
  refundTemplate,
  wireDecimal,
} from './emulator.fixtures.js';
import { type Facts, idOf, type ObjectEntry } from './emulator.kinds.js';
import {
  addInterval,
  between,
  childId,
  DAY,
  indexDigits,
  makeId,
  prng,
  randomDigits,
  renderSeeded,
  type SeededSubscription,
  seededCurrency,
  token,
} from './emulator.seed.js';

/*
 * The compact records of the generated billing objects. Like generated subscriptions, each keeps
 * the fields lists sort and filter on, and renders the rest on demand: an invoice its lines from
 * its subscription's items, a payment its details from its invoice and subscription.
 */

const HOUR = 3600;
/** The account the generated links (hosted invoices, receipts) point into. */
const ACCOUNT = 'acct_1EmuLat0rAcc0unt';
const FIRST_NAMES = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Frances',
  'Edsger',
  'Hedy',
  'Tim',
  'Radia',
  'Donald',
];
const LAST_NAMES = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Dijkstra',
  'Lamarr',
  'Perlman',
  'Knuth',
];
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];

interface Identity {
  name: string;
  email: string;
  phone: string | null;
  invoicePrefix: string;
  metadata: Stripe.Metadata;
}

/** A generated customer: its id and time, and a PRNG seed from which the rest is rebuilt. */
export class SeededCustomer implements ObjectEntry {
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

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void';
export type PaymentOutcome = 'succeeded' | 'failed' | 'canceled';

/** What a generated invoice's lists and render need beyond its subscription. */
export interface InvoiceState {
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
export class SeededInvoice implements ObjectEntry {
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
export class SeededPayment {
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

export class SeededIntent implements ObjectEntry {
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

export class SeededCharge implements ObjectEntry {
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

export class SeededRefund implements ObjectEntry {
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
