import type Stripe from 'stripe';
import { type EmulatorError, cardDeclined, invalidRequest } from './emulator.errors.js';
import { cardOf, chargeOutcome, type Decline, INSUFFICIENT_FUNDS, money, paymentError, receiptUrl } from './emulator.cards.js';
import { chargeTemplate, paymentIntentTemplate, refundTemplate } from './emulator.fixtures.js';
import { type BillingObject, idOf, type ObjectType } from './emulator.kinds.js';
import type { ObjectStore } from './emulator.objects.js';
import type { WriteContext } from './emulator.object-writes.js';
import { allowedParams, checkParams, formOf, text, toBoolean, toInteger } from './emulator.params.js';
import { makeId } from './emulator.seed.js';
import { mergeMetadata } from './emulator.writes.js';

/*
 * The invoice lifecycle (finalize, pay, void) and refunds. Each write reads the store and returns
 * its changes in the order Stripe raises their events; the route stores and announces them.
 */

/** An object as a write leaves it, and the event that announces it (none for a silent change). */
export interface Change {
  object: BillingObject;
  event?: string;
  previous?: object;
  /** For a payment intent: the invoice it pays, which API 2026-10-28 does not show. */
  pays?: string;
}

const DAY = 86_400;
/** Stripe's test payment methods that decline, by id. */
const DECLINING: Record<string, Decline> = {
  pm_card_chargeDeclined: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  pm_card_chargeDeclinedInsufficientFunds: INSUFFICIENT_FUNDS,
};
const OPEN_INTENT: readonly Stripe.PaymentIntent.Status[] = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

function newId(objects: ObjectStore, type: ObjectType, prefix: string): string {
  let id = makeId(prefix, 24, Math.random);
  while (objects.has(type, id)) id = makeId(prefix, 24, Math.random);
  return id;
}

/** What Stripe writes on an invoice's payment intent and charge. */
function descriptionOf(invoice: Stripe.Invoice): string {
  if (invoice.billing_reason === 'subscription_create') return 'Subscription creation';
  if (invoice.billing_reason?.startsWith('subscription')) return 'Subscription update';
  return 'Payment for Invoice';
}

/** A draft made final: numbered from its customer's sequence, payable. */
function finalize(invoice: Stripe.Invoice, { objects, now }: WriteContext): Change[] {
  const customer = objects.get('customer', idOf(invoice.customer) ?? '');
  const sequence = customer?.next_invoice_sequence ?? 1;
  const prefix = customer?.invoice_prefix ?? invoice.id.slice(3, 11).toUpperCase();
  const link = makeId('test', 40, Math.random);
  const finalized: Stripe.Invoice = {
    ...invoice,
    auto_advance: invoice.collection_method === 'charge_automatically',
    automatically_finalizes_at: null,
    due_date: invoice.collection_method === 'send_invoice' ? (invoice.due_date ?? now + 30 * DAY) : null,
    effective_at: now,
    ending_balance: 0,
    hosted_invoice_url: `https://invoice.stripe.com/i/acct_1EmuLat0rAcc0unt/${link}`,
    invoice_pdf: `https://pay.stripe.com/invoice/acct_1EmuLat0rAcc0unt/${link}/pdf`,
    number: `${prefix}-${String(sequence).padStart(4, '0')}`,
    status: 'open',
    status_transitions: { ...invoice.status_transitions, finalized_at: now },
    webhooks_delivered_at: now,
  };
  // The sequence moves on without an event, as on Stripe.
  const changes: Change[] = customer ? [{ object: { ...customer, next_invoice_sequence: sequence + 1 } }] : [];
  return [...changes, { object: finalized, event: 'invoice.finalized' }];
}

function markPaid(invoice: Stripe.Invoice, now: number, attempted: boolean): Stripe.Invoice {
  return {
    ...invoice,
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    attempt_count: invoice.attempt_count + (attempted ? 1 : 0),
    attempted: invoice.attempted || attempted,
    auto_advance: false,
    next_payment_attempt: null,
    status: 'paid',
    status_transitions: { ...invoice.status_transitions, paid_at: now },
  };
}

function last<T>(changes: Change[]): T {
  return changes[changes.length - 1].object as T;
}

const FINALIZE_PARAMS = allowedParams('auto_advance');

/** Finalizes a draft; one of nothing to pay is paid at once, as Stripe does. */
export function finalizeInvoice(id: string, params: URLSearchParams, context: WriteContext): Change[] {
  checkParams(params, FINALIZE_PARAMS);
  const invoice = context.objects.existing('invoice', id);
  if (invoice.status !== 'draft') throw invalidRequest("This invoice is already finalized, you can't re-finalize a non-draft invoice.");
  const changes = finalize(invoice, context);
  const autoAdvance = text(formOf(params), 'auto_advance');
  if (autoAdvance !== undefined) last<Stripe.Invoice>(changes).auto_advance = toBoolean(autoAdvance, 'auto_advance');
  if (invoice.amount_due === 0) changes.push({ object: markPaid(last(changes), context.now, false), event: 'invoice.paid' });
  return changes;
}

const PAY_PARAMS = allowedParams('paid_out_of_band', 'payment_method');

/**
 * Pays an open invoice (finalizing a draft first) with a card: a new charge on the invoice's
 * payment intent, made for it if it has none. Stripe's declining test payment methods
 * (`pm_card_chargeDeclined`, `pm_card_chargeDeclinedInsufficientFunds`) fail it: the changes are
 * then those of the failure, and `declined` the 402 to answer with.
 */
export function payInvoice(id: string, params: URLSearchParams, context: WriteContext): { changes: Change[]; declined?: EmulatorError } {
  checkParams(params, PAY_PARAMS);
  const { objects, now } = context;
  const form = formOf(params);
  const current = objects.existing('invoice', id);
  if (current.status === 'paid') throw invalidRequest('Invoice is already paid.');
  if (current.status === 'void') throw invalidRequest('This invoice has been voided and can no longer be paid.');
  const changes = current.status === 'draft' ? finalize(current, context) : [];
  const invoice = changes.length > 0 ? last<Stripe.Invoice>(changes) : current;
  const outOfBand = toBoolean(text(form, 'paid_out_of_band') ?? 'false', 'paid_out_of_band');
  if (invoice.amount_remaining === 0 || outOfBand)
    return { changes: [...changes, { object: markPaid(invoice, now, false), event: 'invoice.paid' }] };

  const known = objects.intentOf(invoice.id);
  let intent = known === undefined ? undefined : objects.get('payment_intent', known);
  if (!intent) {
    const intentId = newId(objects, 'payment_intent', 'pi');
    intent = {
      ...paymentIntentTemplate,
      id: intentId,
      amount: invoice.amount_remaining,
      amount_received: 0,
      client_secret: `${intentId}_secret_${makeId('s', 25, Math.random).slice(2)}`,
      created: now,
      currency: invoice.currency,
      customer: idOf(invoice.customer),
      description: descriptionOf(invoice),
      latest_charge: null,
      metadata: {},
      payment_method: null,
      status: 'requires_payment_method',
    };
    changes.push({ object: intent, event: 'payment_intent.created', pays: invoice.id });
  }
  // The card given, or the one the intent holds, or one the customer enters now.
  const paymentMethod = text(form, 'payment_method') ?? idOf(intent.payment_method) ?? makeId('pm', 24, Math.random);
  const decline = DECLINING[paymentMethod];
  const charge = newCharge(invoice, intent, paymentMethod, decline, context);
  const attempted = { ...intent, latest_charge: charge.id, payment_method: decline ? null : paymentMethod };
  if (decline) {
    const failed: Stripe.PaymentIntent = {
      ...attempted,
      last_payment_error: paymentError(decline, charge.id),
      status: 'requires_payment_method',
    };
    const unpaid: Stripe.Invoice = {
      ...invoice,
      attempt_count: invoice.attempt_count + 1,
      attempted: true,
      next_payment_attempt: now + 3 * DAY,
    };
    changes.push(
      { object: charge, event: 'charge.failed' },
      { object: failed, event: 'payment_intent.payment_failed', pays: invoice.id },
      { object: unpaid, event: 'invoice.payment_failed' },
    );
    return { changes, declined: cardDeclined(decline, charge.id, failed) };
  }
  const succeeded: Stripe.PaymentIntent = {
    ...attempted,
    amount_received: attempted.amount,
    last_payment_error: null,
    status: 'succeeded',
  };
  const paid = markPaid(invoice, now, true);
  changes.push(
    { object: charge, event: 'charge.succeeded' },
    { object: succeeded, event: 'payment_intent.succeeded', pays: invoice.id },
    { object: paid, event: 'invoice.paid' },
    { object: paid, event: 'invoice.payment_succeeded' },
  );
  return { changes };
}

function newCharge(
  invoice: Stripe.Invoice,
  intent: Stripe.PaymentIntent,
  paymentMethod: string,
  decline: Decline | undefined,
  { objects, now }: WriteContext,
): Stripe.Charge {
  const amount = intent.amount;
  const succeeded = !decline;
  return {
    ...chargeTemplate,
    id: newId(objects, 'charge', 'ch'),
    amount,
    amount_captured: succeeded ? amount : 0,
    amount_refunded: 0,
    balance_transaction: succeeded ? makeId('txn', 24, Math.random) : null,
    billing_details: { ...chargeTemplate.billing_details, email: invoice.customer_email, name: invoice.customer_name },
    captured: succeeded,
    created: now,
    currency: intent.currency,
    customer: idOf(intent.customer),
    description: intent.description,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    metadata: {},
    outcome: chargeOutcome(decline, Math.floor(Math.random() * 60)),
    paid: succeeded,
    payment_intent: intent.id,
    payment_method: paymentMethod,
    payment_method_details: cardOf(paymentMethod, succeeded ? amount : null),
    receipt_url: succeeded ? receiptUrl(Math.random) : null,
    refunded: false,
    status: succeeded ? 'succeeded' : 'failed',
  };
}

const NO_PARAMS = allowedParams();

/** Voids an open invoice; a payment intent still waiting for a card is canceled with it. */
export function voidInvoice(id: string, params: URLSearchParams, { objects, now }: WriteContext): Change[] {
  checkParams(params, NO_PARAMS);
  const invoice = objects.existing('invoice', id);
  if (invoice.status === 'draft') throw invalidRequest('You can only void an open or uncollectible invoice; delete a draft instead.');
  if (invoice.status !== 'open' && invoice.status !== 'uncollectible') {
    throw invalidRequest(`You can only void an open or uncollectible invoice; this one is ${invoice.status}.`);
  }
  const voided: Stripe.Invoice = {
    ...invoice,
    auto_advance: false,
    next_payment_attempt: null,
    status: 'void',
    status_transitions: { ...invoice.status_transitions, voided_at: now },
  };
  const changes: Change[] = [{ object: voided, event: 'invoice.voided' }];
  const known = objects.intentOf(id);
  const intent = known === undefined ? undefined : objects.get('payment_intent', known);
  if (intent && OPEN_INTENT.includes(intent.status)) {
    const canceled: Stripe.PaymentIntent = { ...intent, canceled_at: now, cancellation_reason: 'void_invoice', status: 'canceled' };
    changes.push({ object: canceled, event: 'payment_intent.canceled' });
  }
  return changes;
}

const REFUND_PARAMS = allowedParams('charge', 'payment_intent', 'amount', 'reason', 'metadata', 'metadata[*]');
const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];

/** The charge a refund's parameters name, directly or as a payment intent's latest. */
function chargeToRefund(chargeId: string | undefined, intentId: string | undefined, objects: ObjectStore): Stripe.Charge {
  if (chargeId && intentId) throw invalidRequest('You may only specify one of these parameters: charge, payment_intent.', 'payment_intent');
  if (chargeId) return objects.existing('charge', chargeId, 'charge', 400);
  if (!intentId) throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.');
  const intent = objects.existing('payment_intent', intentId, 'payment_intent', 400);
  const latest = idOf(intent.latest_charge);
  if (intent.status !== 'succeeded' || !latest) {
    throw invalidRequest(`This PaymentIntent (${intentId}) does not have a successful charge to refund.`, 'payment_intent');
  }
  return objects.existing('charge', latest, 'payment_intent', 400);
}

/** Refunds a succeeded charge, all that is left of it by default; the charge records it. */
export function createRefund(params: URLSearchParams, { objects, now }: WriteContext): Change[] {
  checkParams(params, REFUND_PARAMS);
  const form = formOf(params);
  const charge = chargeToRefund(text(form, 'charge'), text(form, 'payment_intent'), objects);
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} did not succeed, so there is nothing to refund.`, 'charge');
  const left = charge.amount - charge.amount_refunded;
  if (left === 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, 'charge', 'charge_already_refunded');
  const rawAmount = text(form, 'amount');
  const amount = rawAmount === undefined ? left : toInteger(rawAmount, 'amount');
  if (amount < 1) throw invalidRequest('Invalid positive integer', 'amount');
  if (amount > left) {
    throw invalidRequest(
      `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(left, charge.currency)})`,
      'amount',
    );
  }
  const reason = text(form, 'reason') ?? null;
  if (reason !== null && !REFUND_REASONS.includes(reason))
    throw invalidRequest(`Invalid reason: must be one of ${REFUND_REASONS.join(', ')}`, 'reason');
  const refund: Stripe.Refund = {
    ...refundTemplate,
    id: newId(objects, 'refund', 're'),
    amount,
    balance_transaction: makeId('txn', 24, Math.random),
    charge: charge.id,
    created: now,
    currency: charge.currency,
    customer: idOf(charge.customer),
    metadata: mergeMetadata({}, form, 'metadata'),
    payment_intent: idOf(charge.payment_intent),
    payment_method: charge.payment_method,
    reason: reason,
  };
  const refunded = charge.amount_refunded + amount;
  const updated: Stripe.Charge = { ...charge, amount_refunded: refunded, refunded: refunded === charge.amount };
  return [
    { object: refund, event: 'refund.created' },
    {
      object: updated,
      event: 'charge.refunded',
      previous: { amount_refunded: charge.amount_refunded, ...(updated.refunded && { refunded: false }) },
    },
  ];
}
