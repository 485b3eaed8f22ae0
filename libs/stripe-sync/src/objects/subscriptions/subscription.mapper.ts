import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { fromUnix, idOf, toRaw } from '../stripe-values.js';
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

export function toSubscriptionItemRow(item: SubscriptionItemPayload, subscriptionId: string): MirrorRow<StripeSubscriptionItem> {
  const price = item.price ?? item.plan ?? null;
  return {
    id: item.id,
    subscriptionId,
    priceId: price?.id ?? null,
    productId: idOf(price?.product),
    quantity: item.quantity ?? null,
    currentPeriodStart: fromUnix(item.current_period_start),
    currentPeriodEnd: fromUnix(item.current_period_end),
    created: fromUnix(item.created),
    metadata: item.metadata ?? {},
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
): MirrorRow<StripeSubscription> {
  return {
    id: subscription.id,
    customerId: idOf(subscription.customer) ?? '',
    status: subscription.status,
    currency: subscription.currency ?? null,
    collectionMethod: subscription.collection_method ?? null,
    cancelAtPeriodEnd: subscription.cancel_at_period_end ?? false,
    cancelAt: fromUnix(subscription.cancel_at),
    canceledAt: fromUnix(subscription.canceled_at),
    endedAt: fromUnix(subscription.ended_at),
    startDate: fromUnix(subscription.start_date),
    trialStart: fromUnix(subscription.trial_start),
    trialEnd: fromUnix(subscription.trial_end),
    currentPeriodStart: fromUnix(subscription.current_period_start) ?? earliest(items.map((i) => i.currentPeriodStart)),
    currentPeriodEnd: fromUnix(subscription.current_period_end) ?? latest(items.map((i) => i.currentPeriodEnd)),
    latestInvoiceId: idOf(subscription.latest_invoice),
    livemode: subscription.livemode ?? false,
    metadata: subscription.metadata ?? {},
    created: fromUnix(subscription.created) ?? new Date(0),
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
