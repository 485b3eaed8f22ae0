import type Stripe from 'stripe';
import { invalidRequest, resourceMissing } from './emulator.errors.js';
import { subscriptionItemTemplate, subscriptionTemplate } from './emulator.fixtures.js';
import {
  allowedParams,
  checkParams,
  type Form,
  formOf,
  hash,
  listParam,
  missingParam,
  text,
  toBoolean,
  toInteger,
} from './emulator.params.js';
import { addInterval, type CatalogPrice, makeId } from './emulator.seed.js';

/*
 * The subscription writes, as pure functions from the current object and the request's parameters
 * to the new object. A simplification: without payment methods, a new subscription is `active`
 * (or `trialing`) at once, where Stripe could leave it `incomplete`; it gets no invoice.
 */

/** The price an item names, with its plan; `param` names the item's price in errors. */
export type PriceLookup = (id: string, param: string) => CatalogPrice;

const DAY = 86_400;
const ITEM_PARAMS = ['items[n][price]', 'items[n][quantity]'];
const CREATE_PARAMS = allowedParams(
  'customer',
  ...ITEM_PARAMS,
  'metadata',
  'metadata[*]',
  'trial_period_days',
  'trial_end',
  'cancel_at_period_end',
);
const UPDATE_PARAMS = allowedParams(
  ...ITEM_PARAMS,
  'items[n][id]',
  'items[n][deleted]',
  'metadata',
  'metadata[*]',
  'cancel_at_period_end',
  'pause_collection',
  'pause_collection[behavior]',
  'pause_collection[resumes_at]',
);
const CANCEL_PARAMS = allowedParams();
const PAUSE_BEHAVIORS = ['keep_as_draft', 'mark_uncollectible', 'void'] as const;

/** `current` with the strings of hash `name` merged in: an empty value deletes its key, an empty hash clears all. */
export function mergeMetadata(current: Stripe.Metadata, form: Form, name: string): Stripe.Metadata {
  const changes = hash(form, name);
  if (changes === undefined) return current;
  if (changes === null) return {};
  const merged = { ...current };
  for (const key of Object.keys(changes)) {
    const value = text(changes, key, `${name}[${key}]`);
    if (value) merged[key] = value;
    else delete merged[key];
  }
  return merged;
}

function quantityOf(element: Form, param: string): number | undefined {
  const raw = text(element, 'quantity', `${param}[quantity]`);
  if (raw === undefined) return undefined;
  const quantity = toInteger(raw, `${param}[quantity]`);
  if (quantity < 0) throw invalidRequest(`Invalid non-negative integer: ${raw}`, `${param}[quantity]`);
  return quantity;
}

/** A new item; `periodOf` gives its current period from its price. */
function newItem(
  element: Form,
  param: string,
  subscription: string,
  now: number,
  periodOf: (price: Stripe.Price) => [number, number],
  priceOf: PriceLookup,
): Stripe.SubscriptionItem {
  const id = text(element, 'price', `${param}[price]`);
  if (!id) throw missingParam(`${param}[price]`);
  const { price, plan } = priceOf(id, `${param}[price]`);
  const [start, end] = periodOf(price);
  return {
    ...subscriptionItemTemplate,
    price,
    plan,
    id: makeId('si', 14, Math.random),
    created: now,
    current_period_start: start,
    current_period_end: end,
    metadata: {},
    quantity: quantityOf(element, param) ?? 1,
    subscription,
  };
}

/** What Stripe checks across items: one currency, and each price once. */
function checkItems(items: Stripe.SubscriptionItem[], currency: string): void {
  if (items.length === 0) throw invalidRequest('A subscription needs at least one item.', 'items');
  const prices = new Set<string>();
  for (const { price } of items) {
    if (price.currency !== currency)
      throw invalidRequest(`All prices on a subscription must have the same currency (${currency}).`, 'items');
    if (prices.has(price.id)) throw invalidRequest(`Cannot add multiple subscription items with the same price: ${price.id}`, 'items');
    prices.add(price.id);
  }
}

/** When the trial the parameters ask for ends, if they ask for one. */
function trialEndOf(form: Form, now: number): number | undefined {
  const days = text(form, 'trial_period_days');
  const end = text(form, 'trial_end');
  if (days !== undefined && end !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: trial_end, trial_period_days.', 'trial_end');
  }
  if (days !== undefined) {
    const count = toInteger(days, 'trial_period_days');
    if (count < 0 || count > 730) throw invalidRequest('Invalid trial_period_days: must be within 0..730', 'trial_period_days');
    return count > 0 ? now + count * DAY : undefined;
  }
  if (end === undefined || end === 'now') return undefined;
  const at = toInteger(end, 'trial_end');
  if (at <= now) throw invalidRequest('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
  return at;
}

/** Applies `cancel_at_period_end`: Stripe records the request at once and ends the subscription with its period. */
function applyCancelAtPeriodEnd(subscription: Stripe.Subscription, form: Form, now: number): void {
  const raw = text(form, 'cancel_at_period_end');
  if (raw === undefined) return;
  const cancel = toBoolean(raw, 'cancel_at_period_end');
  subscription.cancel_at_period_end = cancel;
  subscription.cancel_at = cancel ? subscription.items.data[0].current_period_end : null;
  subscription.canceled_at = cancel ? now : null;
  subscription.cancellation_details = { ...subscription.cancellation_details!, reason: cancel ? 'cancellation_requested' : null };
}

export function createSubscription(
  params: URLSearchParams,
  now: number,
  isTaken: (id: string) => boolean,
  priceOf: PriceLookup,
): Stripe.Subscription {
  checkParams(params, CREATE_PARAMS);
  const form = formOf(params);
  const customer = text(form, 'customer');
  if (!customer) throw missingParam('customer');
  const elements = listParam(form, 'items');
  if (elements.length === 0) throw missingParam('items');
  const trialEnd = trialEndOf(form, now);
  let id = makeId('sub', 24, Math.random);
  while (isTaken(id)) id = makeId('sub', 24, Math.random);
  // A trial is the first period; after it, each item's price sets its period.
  const periodOf = (price: Stripe.Price): [number, number] => [now, trialEnd ?? addInterval(now, price.recurring!.interval)];
  const items = elements.map(([param, element]) => newItem(element, param, id, now, periodOf, priceOf));
  const currency = items[0].price.currency;
  checkItems(items, currency);
  const subscription: Stripe.Subscription = {
    ...subscriptionTemplate,
    id,
    billing_cycle_anchor: trialEnd ?? now,
    created: now,
    currency,
    customer,
    items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: trialEnd ? null : makeId('in', 24, Math.random),
    metadata: mergeMetadata({}, form, 'metadata'),
    start_date: now,
    status: trialEnd ? 'trialing' : 'active',
    trial_end: trialEnd ?? null,
    trial_start: trialEnd ? now : null,
  };
  applyCancelAtPeriodEnd(subscription, form, now);
  return subscription;
}

export function updateSubscription(
  current: Stripe.Subscription,
  params: URLSearchParams,
  now: number,
  priceOf: PriceLookup,
): Stripe.Subscription {
  checkParams(params, UPDATE_PARAMS);
  const form = formOf(params);
  if (current.status === 'canceled' && Object.keys(form).some((name) => name !== 'metadata' && name !== 'expand')) {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
  }
  const subscription = structuredClone(current);
  subscription.metadata = mergeMetadata(subscription.metadata, form, 'metadata');
  applyCancelAtPeriodEnd(subscription, form, now);
  const pause = hash(form, 'pause_collection');
  if (pause !== undefined) subscription.pause_collection = pause && pauseCollectionOf(pause);
  const elements = listParam(form, 'items');
  if (elements.length > 0) updateItems(subscription, elements, now, priceOf);
  return subscription;
}

function pauseCollectionOf(pause: Form): Stripe.Subscription.PauseCollection {
  const behavior = text(pause, 'behavior', 'pause_collection[behavior]');
  if (!behavior) throw missingParam('pause_collection[behavior]');
  if (!(PAUSE_BEHAVIORS as readonly string[]).includes(behavior)) {
    throw invalidRequest(`Invalid pause_collection[behavior]: must be one of ${PAUSE_BEHAVIORS.join(', ')}`, 'pause_collection[behavior]');
  }
  const resumesAt = text(pause, 'resumes_at', 'pause_collection[resumes_at]');
  return {
    behavior: behavior,
    resumes_at: resumesAt ? toInteger(resumesAt, 'pause_collection[resumes_at]') : null,
  };
}

/** Applies `items[n]`: with an id it changes or (`deleted`) removes that item, without one it adds an item. */
function updateItems(subscription: Stripe.Subscription, elements: [string, Form][], now: number, priceOf: PriceLookup): void {
  const items = subscription.items.data;
  // New items join the current period.
  const period: [number, number] = [items[0].current_period_start, items[0].current_period_end];
  for (const [param, element] of elements) {
    const id = text(element, 'id', `${param}[id]`);
    if (id === undefined) {
      items.push(newItem(element, param, subscription.id, now, () => period, priceOf));
      continue;
    }
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw resourceMissing('subscription item', id, `${param}[id]`, 400);
    const deleted = text(element, 'deleted', `${param}[deleted]`);
    if (deleted !== undefined && toBoolean(deleted, `${param}[deleted]`)) {
      items.splice(index, 1);
      continue;
    }
    const price = text(element, 'price', `${param}[price]`);
    if (price) Object.assign(items[index], priceOf(price, `${param}[price]`));
    items[index].quantity = quantityOf(element, param) ?? items[index].quantity;
  }
  checkItems(items, subscription.currency);
}

/** Cancels at once, as DELETE does; the object stays, `canceled`. */
export function cancelSubscription(current: Stripe.Subscription, params: URLSearchParams, now: number): Stripe.Subscription {
  checkParams(params, CANCEL_PARAMS);
  return {
    ...current,
    status: 'canceled',
    canceled_at: now,
    ended_at: now,
    cancellation_details: { ...current.cancellation_details!, reason: 'cancellation_requested' },
  };
}

function isHash(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { object?: unknown }).object !== 'list';
}

/**
 * An `updated` event's `previous_attributes`: the old value of each changed field. A changed hash
 * lists only its changed keys (null for added ones), while lists and arrays are given whole.
 */
export function previousAttributes(before: object, after: object): Record<string, unknown> | undefined {
  const [old, now] = [before as Record<string, unknown>, after as Record<string, unknown>];
  const previous: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
    if (JSON.stringify(old[key]) === JSON.stringify(now[key])) continue;
    previous[key] = isHash(old[key]) && isHash(now[key]) ? previousAttributes(old[key], now[key]) : (old[key] ?? null);
  }
  return Object.keys(previous).length > 0 ? previous : undefined;
}
