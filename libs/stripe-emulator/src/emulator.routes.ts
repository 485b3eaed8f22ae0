import type Stripe from 'stripe';
import { invalidRequest, resourceMissing } from './emulator.errors.js';
import { type EventLog, type StripeObject, typeMatcher } from './emulator.events.js';
import { type CreatedRange, type PageQuery, wireList } from './emulator.list.js';
import { allowedParams, checkParams, formOf, integerParam, missingParam, stringsParam, text } from './emulator.params.js';
import { type SubscriptionStore, withEmbeddedItems } from './emulator.store.js';
import type { WebhookDispatcher } from './emulator.webhooks.js';
import { cancelSubscription, createSubscription, previousAttributes, updateSubscription } from './emulator.writes.js';

export interface Route {
  method: string;
  /** Path with `:name` segments; `METHOD pattern` is the route's key in stats and faults. */
  pattern: string;
  /** `params` are the query of a GET or DELETE, the form body of a POST; `request` is what events record of it. */
  handle(params: URLSearchParams, pathParams: string[], request: Stripe.Event.Request): unknown;
}

/** What the routes work on. */
export interface RouteContext {
  store: SubscriptionStore;
  events: EventLog;
  webhooks: WebhookDispatcher;
  now(): number;
  /** Logs an event and sends it to the webhook endpoints. */
  emit(type: string, object: StripeObject, request: Stripe.Event.Request, previousAttributes?: object): Stripe.Event;
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

const PAGE_PARAMS = ['limit', 'starting_after', 'ending_before'];
const CREATED_PARAMS = ['created', 'created[gt]', 'created[gte]', 'created[lt]', 'created[lte]'];
const SUBSCRIPTION_LIST_PARAMS = allowedParams(...PAGE_PARAMS, ...CREATED_PARAMS, 'status', 'customer');
const ITEM_LIST_PARAMS = allowedParams(...PAGE_PARAMS, 'subscription');
const EVENT_LIST_PARAMS = allowedParams(...PAGE_PARAMS, ...CREATED_PARAMS, 'type', 'types[n]');
const WEBHOOK_ENDPOINT_PARAMS = allowedParams('url', 'enabled_events[n]');
const NO_PARAMS = allowedParams();

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
function createdRange(query: URLSearchParams): CreatedRange {
  const bound = (name: string, shift: number) => {
    const value = integerParam(query, name);
    return value === undefined ? undefined : value + shift;
  };
  const exact = bound('created', 0);
  const lows = [exact, bound('created[gte]', 0), bound('created[gt]', 1)].filter((value) => value !== undefined);
  const highs = [exact, bound('created[lte]', 0), bound('created[lt]', -1)].filter((value) => value !== undefined);
  return { createdMin: Math.max(-Infinity, ...lows), createdMax: Math.min(Infinity, ...highs) };
}

/** Events filter by one `type` (with `*` wildcards) or by a list of exact `types`, not both. */
function typeFilter(query: URLSearchParams): (type: string) => boolean {
  const type = query.get('type');
  // The order of `types[n]` does not matter to a filter.
  const types = [...query].filter(([name]) => name.startsWith('types[')).map(([, value]) => value);
  if (type !== null && types.length > 0) throw invalidRequest('You may only specify one of these parameters: type, types.', 'type');
  if (type !== null) return typeMatcher(type);
  return types.length > 0 ? (candidate) => types.includes(candidate) : () => true;
}

export function createRoutes({ store, events, webhooks, now, emit }: RouteContext): Route[] {
  const existing = (id: string) => {
    const subscription = store.get(id);
    if (!subscription) throw resourceMissing('subscription', id, 'id');
    return subscription;
  };
  return [
    {
      method: 'GET',
      pattern: '/v1/subscriptions',
      handle(query) {
        checkParams(query, SUBSCRIPTION_LIST_PARAMS);
        const page = store.list({
          ...pageQuery(query),
          ...createdRange(query),
          status: statusFilter(query.get('status')),
          customer: query.get('customer') ?? undefined,
        });
        return wireList('/v1/subscriptions', page.data.map(withEmbeddedItems), page.hasMore);
      },
    },
    {
      method: 'POST',
      pattern: '/v1/subscriptions',
      handle(params, _, request) {
        const subscription = createSubscription(params, now(), (id) => store.has(id));
        store.put(subscription);
        emit('customer.subscription.created', subscription, request);
        return withEmbeddedItems(subscription);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/subscriptions/:id',
      handle(query, [id]) {
        checkParams(query, NO_PARAMS);
        const subscription = store.view(id);
        if (!subscription) throw resourceMissing('subscription', id, 'id');
        return withEmbeddedItems(subscription);
      },
    },
    {
      method: 'POST',
      pattern: '/v1/subscriptions/:id',
      handle(params, [id], request) {
        const current = existing(id);
        const updated = updateSubscription(current, params, now());
        store.put(updated);
        const previous = previousAttributes(withEmbeddedItems(current), withEmbeddedItems(updated));
        if (previous) emit('customer.subscription.updated', updated, request, previous);
        return withEmbeddedItems(updated);
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/subscriptions/:id',
      handle(params, [id], request) {
        const current = existing(id);
        // Stripe answers a second cancel as if the subscription were gone.
        if (current.status === 'canceled') throw resourceMissing('subscription', id, 'id');
        const canceled = cancelSubscription(current, params, now());
        store.put(canceled);
        emit('customer.subscription.deleted', canceled, request);
        return withEmbeddedItems(canceled);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/subscription_items',
      handle(query) {
        checkParams(query, ITEM_LIST_PARAMS);
        const subscription = query.get('subscription');
        if (!subscription) throw missingParam('subscription');
        const page = store.listItems(subscription, pageQuery(query));
        return wireList('/v1/subscription_items', page.data, page.hasMore);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/events',
      handle(query) {
        checkParams(query, EVENT_LIST_PARAMS);
        const page = events.list({ ...pageQuery(query), ...createdRange(query), type: typeFilter(query) });
        return wireList('/v1/events', page.data, page.hasMore);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/events/:id',
      handle(query, [id]) {
        checkParams(query, NO_PARAMS);
        const event = events.get(id);
        if (!event) throw resourceMissing('event', id, 'id');
        return event;
      },
    },
    {
      method: 'POST',
      pattern: '/v1/webhook_endpoints',
      handle(params) {
        checkParams(params, WEBHOOK_ENDPOINT_PARAMS);
        const form = formOf(params);
        const url = text(form, 'url');
        if (!url) throw missingParam('url');
        if (!URL.canParse(url)) throw invalidRequest(`Invalid URL: ${url}`, 'url', 'url_invalid');
        const enabledEvents = stringsParam(form, 'enabled_events');
        if (enabledEvents.length === 0) throw missingParam('enabled_events');
        // Stripe shows the secret only here, in the answer to the creation.
        return webhooks.addEndpoint({ url, enabledEvents });
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/webhook_endpoints/:id',
      handle(params, [id]) {
        checkParams(params, NO_PARAMS);
        if (!webhooks.removeEndpoint(id)) throw resourceMissing('webhook endpoint', id, 'id');
        return { id, object: 'webhook_endpoint', deleted: true };
      },
    },
  ];
}
