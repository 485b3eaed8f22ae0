import type Stripe from 'stripe';
import { invalidRequest, resourceMissing } from './emulator.errors.js';
import type { PageQuery, SubscriptionStore } from './emulator.store.js';

export interface Route {
  method: string;
  /** Path with `:name` segments; `METHOD pattern` is the route's key in stats and faults. */
  pattern: string;
  handle(query: URLSearchParams, pathParams: string[]): unknown;
}

const STATUSES: readonly Stripe.Subscription.Status[] = [
  'active',
  'past_due',
  'unpaid',
  'canceled',
  'incomplete',
  'incomplete_expired',
  'trialing',
  'paused',
];

/** Stripe embeds at most this many items in a subscription; the rest come from /v1/subscription_items. */
const EMBEDDED_ITEMS = 10;

/** Stripe rejects parameters it does not know; here that also flags filters the emulator lacks. */
function checkParams(query: URLSearchParams, allowed: readonly string[]): void {
  for (const name of query.keys()) {
    // Expansion is ignored: ids stay ids.
    if (/^expand(\[\d*\])?$/.test(name) || allowed.includes(name)) continue;
    throw invalidRequest(`Received unknown parameter: ${name} (not supported by the Stripe emulator)`, name, 'parameter_unknown');
  }
}

function integerParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw)) throw invalidRequest(`Invalid integer: ${raw}`, name, 'parameter_invalid_integer');
  return Number(raw);
}

function pageQuery(query: URLSearchParams): PageQuery {
  const limit = integerParam(query, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalidRequest('Invalid limit: must be between 1 and 100', 'limit');
  // An empty cursor is what the SDK sends for `null`; treat it as absent.
  const startingAfter = query.get('starting_after') || undefined;
  const endingBefore = query.get('ending_before') || undefined;
  if (startingAfter && endingBefore) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before');
  }
  return { limit, startingAfter, endingBefore };
}

function statusFilter(status: string | null): (status: Stripe.Subscription.Status) => boolean {
  if (status === null) return (s) => s !== 'canceled';
  if (status === 'all') return () => true;
  if (status === 'ended') return (s) => s === 'canceled' || s === 'incomplete_expired';
  if ((STATUSES as readonly string[]).includes(status)) return (s) => s === status;
  throw invalidRequest(`Invalid status: must be one of ${[...STATUSES, 'all', 'ended'].join(', ')}`, 'status');
}

/** `created` as an exact value or as gt/gte/lt/lte bounds, folded into one inclusive range. */
function createdRange(query: URLSearchParams): { createdMin: number; createdMax: number } {
  const bound = (name: string, shift: number) => {
    const value = integerParam(query, name);
    return value === undefined ? undefined : value + shift;
  };
  const exact = bound('created', 0);
  const lows = [exact, bound('created[gte]', 0), bound('created[gt]', 1)].filter((value) => value !== undefined);
  const highs = [exact, bound('created[lte]', 0), bound('created[lt]', -1)].filter((value) => value !== undefined);
  return { createdMin: Math.max(-Infinity, ...lows), createdMax: Math.min(Infinity, ...highs) };
}

function list<T>(url: string, data: T[], hasMore: boolean) {
  return { object: 'list', data, has_more: hasMore, url };
}

/** A subscription as Stripe sends it: the first items embedded, the rest behind `has_more`. */
function withEmbeddedItems(subscription: Stripe.Subscription) {
  const items = subscription.items.data;
  return {
    ...subscription,
    items: {
      ...list(subscription.items.url, items.slice(0, EMBEDDED_ITEMS), items.length > EMBEDDED_ITEMS),
      total_count: items.length,
    },
  };
}

export function createRoutes(store: SubscriptionStore): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v1/subscriptions',
      handle(query) {
        checkParams(query, ['limit', 'starting_after', 'ending_before', 'status', 'customer', 'created', 'created[gt]', 'created[gte]', 'created[lt]', 'created[lte]']);
        const page = store.list({
          ...pageQuery(query),
          ...createdRange(query),
          status: statusFilter(query.get('status')),
          customer: query.get('customer') ?? undefined,
        });
        return list('/v1/subscriptions', page.data.map(withEmbeddedItems), page.hasMore);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/subscriptions/:id',
      handle(query, [id]) {
        checkParams(query, []);
        const subscription = store.view(id);
        if (!subscription) throw resourceMissing('subscription', id, 'id');
        return withEmbeddedItems(subscription);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/subscription_items',
      handle(query) {
        checkParams(query, ['subscription', 'limit', 'starting_after', 'ending_before']);
        const subscription = query.get('subscription');
        if (!subscription) throw invalidRequest('Missing required param: subscription.', 'subscription', 'parameter_missing');
        const page = store.listItems(subscription, pageQuery(query));
        return list('/v1/subscription_items', page.data, page.hasMore);
      },
    },
  ];
}
