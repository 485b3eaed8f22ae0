import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { StripeFields } from '../stripe-fields.js';
import { COLLECTION_METHODS, SUBSCRIPTION_STATUSES } from '../stripe-codes.js';
import { toRaw } from '../stripe-values.js';
import type { StripeSubscriptionItem } from './stripe-subscription-item.entity.js';
import type { StripeSubscription } from './stripe-subscription.entity.js';

/**
 * Fields that API versions before 2025-03-31 sent on the subscription (and on items, `plan` instead of `price`),
 * and that some payloads leave null where the current API never does.
 */
interface LegacySubscriptionFields {
  current_period_start?: number | null;
  current_period_end?: number | null;
  cancel_at_period_end?: boolean | null;
  metadata?: Stripe.Metadata | null;
}
interface LegacyItemFields {
  current_period_start?: number | null;
  current_period_end?: number | null;
  plan?: { id: string; product?: string | { id: string } | null } | null;
  price?: { id: string; product?: string | { id: string } | null } | null;
  metadata?: Stripe.Metadata | null;
}

export type SubscriptionPayload = Omit<Stripe.Subscription, keyof LegacySubscriptionFields> & LegacySubscriptionFields;
export type SubscriptionItemPayload = Omit<Stripe.SubscriptionItem, keyof LegacyItemFields> & LegacyItemFields;

export function toSubscriptionItemRow(
  item: SubscriptionItemPayload,
  subscriptionId: string,
  read = new StripeFields(item as unknown as Record<string, unknown>),
): MirrorRow<StripeSubscriptionItem> {
  // API versions before 2018-02-05 sent `plan` where later ones send `price`.
  const price = read.at(item.price ? 'price' : 'plan');
  return {
    id: item.id,
    subscriptionId,
    priceId: price.id('id'),
    productId: price.id('product'),
    quantity: read.integer('quantity'),
    currentPeriodStart: read.time('current_period_start'),
    currentPeriodEnd: read.time('current_period_end'),
    created: read.time('created'),
    metadata: read.metadata(),
    raw: toRaw(item),
  };
}

/**
 * Maps a subscription of either API shape. `items` are all of its items (Stripe embeds at most 10): the
 * subscription's period, when Stripe does not send it at the top level, spans its items' periods.
 */
export function toSubscriptionRow(
  subscription: SubscriptionPayload,
  items: MirrorRow<StripeSubscriptionItem>[],
  read = new StripeFields(subscription as unknown as Record<string, unknown>),
): MirrorRow<StripeSubscription> {
  return {
    id: subscription.id,
    customerId: read.id('customer') ?? '',
    status: read.code('status', SUBSCRIPTION_STATUSES)!,
    currency: read.currency('currency'),
    collectionMethod: read.code('collection_method', COLLECTION_METHODS),
    cancelAtPeriodEnd: read.flag('cancel_at_period_end') ?? false,
    cancelAt: read.time('cancel_at'),
    canceledAt: read.time('canceled_at'),
    endedAt: read.time('ended_at'),
    startDate: read.time('start_date'),
    trialStart: read.time('trial_start'),
    trialEnd: read.time('trial_end'),
    currentPeriodStart: read.time('current_period_start') ?? earliest(items.map((i) => i.currentPeriodStart)),
    currentPeriodEnd: read.time('current_period_end') ?? latest(items.map((i) => i.currentPeriodEnd)),
    latestInvoiceId: read.id('latest_invoice'),
    livemode: read.flag('livemode') ?? false,
    metadata: read.metadata(),
    created: read.time('created')!,
    raw: toRaw(subscription),
  };
}

function earliest(dates: (Date | null)[]): Date | null {
  return extreme(dates, (a, b) => a < b);
}

function latest(dates: (Date | null)[]): Date | null {
  return extreme(dates, (a, b) => a > b);
}

function extreme(dates: (Date | null)[], better: (a: number, b: number) => boolean): Date | null {
  let best: Date | null = null;
  for (const date of dates) if (date && (!best || better(date.getTime(), best.getTime()))) best = date;
  return best;
}
