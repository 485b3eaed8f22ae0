import type Stripe from 'stripe';
import type { AccountData } from './emulator.account-data.js';
import type { AccountRegistry } from './emulator.accounts.js';
import { productOfPrice } from './emulator.catalog.js';
import { invalidRequest, resourceMissing } from './emulator.errors.js';
import { typeMatcher } from './emulator.events.js';
import { wireList } from './emulator.list.js';
import {
  allowedParams,
  checkParams,
  CREATED_PARAMS,
  createdRange,
  formOf,
  missingParam,
  PAGE_PARAMS,
  pageQuery,
  stringsParam,
  text,
  toBoolean,
} from './emulator.params.js';
import { planOf, priceById } from './emulator.seed.js';
import { withEmbeddedItems } from './emulator.store.js';
import type { WebhookDispatcher } from './emulator.webhooks.js';
import { cancelSubscription, createSubscription, type PriceLookup, previousAttributes, updateSubscription } from './emulator.writes.js';

/** Who a request acts as. */
export interface RequestScope {
  /** The data of the platform, or of the connected account the `Stripe-Account` header names. */
  account: AccountData;
  /** The request's API key as Stripe's error messages show it. */
  maskedKey: string;
}

export interface Route {
  method: string;
  /** Path with `:name` segments; `METHOD pattern` is the route's key in stats and faults. */
  pattern: string;
  /** Served to the platform only: with a `Stripe-Account` header naming a connected account, a 400. */
  platformOnly?: boolean;
  /**
   * `params` are the query of a GET or DELETE, the form body of a POST; `request` is what events record of it;
   * `scope` the account it acts as, whose data alone it reads and writes.
   */
  handle(params: URLSearchParams, pathParams: string[], request: Stripe.Event.Request, scope: RequestScope): unknown;
}

/** What the routes work on besides the account of each request. */
export interface RouteContext {
  accounts: AccountRegistry;
  webhooks: WebhookDispatcher;
  now: () => number;
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

const SUBSCRIPTION_LIST_PARAMS = allowedParams(...PAGE_PARAMS, ...CREATED_PARAMS, 'status', 'customer');
const ITEM_LIST_PARAMS = allowedParams(...PAGE_PARAMS, 'subscription');
const EVENT_LIST_PARAMS = allowedParams(...PAGE_PARAMS, ...CREATED_PARAMS, 'type', 'types[n]');
const WEBHOOK_ENDPOINT_PARAMS = allowedParams('url', 'enabled_events[n]', 'connect');
const NO_PARAMS = allowedParams();

function statusFilter(status: string | null): (status: Stripe.Subscription.Status) => boolean {
  if (status === null) return (s) => s !== 'canceled';
  if (status === 'all') return () => true;
  if (status === 'ended') return (s) => s === 'canceled' || s === 'incomplete_expired';
  if ((STATUSES as readonly string[]).includes(status)) return (s) => s === status;
  throw invalidRequest(`Invalid status: must be one of ${[...STATUSES, 'all', 'ended'].join(', ')}`, 'status');
}

/** Stripe takes at most this many values in `types[]`. */
const MAX_EVENT_TYPES = 20;

/** Events filter by one `type` (with `*` wildcards) or by a list of exact `types`, not both. */
function typeFilter(query: URLSearchParams): (type: string) => boolean {
  const type = query.get('type');
  // The order of `types[n]` does not matter to a filter.
  const types = [...query].filter(([name]) => name.startsWith('types[')).map(([, value]) => value);
  if (type !== null && types.length > 0) throw invalidRequest('You may only specify one of these parameters: type, types.', 'type');
  if (types.length > MAX_EVENT_TYPES) throw invalidRequest(`Invalid types: must contain at most ${MAX_EVENT_TYPES} values`, 'types');
  if (type !== null) return typeMatcher(type);
  return types.length > 0 ? (candidate) => types.includes(candidate) : () => true;
}

/**
 * The price a subscription item names: the account's own, which must be active and recurring, or
 * else one made up for the id, which joins the account with its product so that lists show it.
 */
function priceLookup({ objects, catalog }: AccountData): PriceLookup {
  return (id, param) => {
    const price = objects.view('price', id);
    if (!price) {
      const madeUp = priceById(id, catalog);
      objects.putIfAbsent(madeUp.price);
      objects.putIfAbsent(productOfPrice(madeUp.price));
      return madeUp;
    }
    if (!price.active) throw invalidRequest('The price specified is inactive. This field only accepts active prices.', param);
    if (price.type !== 'recurring') {
      throw invalidRequest(
        'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
        param,
      );
    }
    return { price, plan: planOf(price) };
  };
}

/**
 * The routes of subscriptions, events and webhook endpoints; emulator.object-routes.ts has those of the other
 * objects, emulator.account-routes.ts those of accounts.
 */
export function createRoutes({ webhooks, now }: RouteContext): Route[] {
  const existing = ({ store }: AccountData, id: string) => {
    const subscription = store.get(id);
    if (!subscription) throw resourceMissing('subscription', id, 'id');
    return subscription;
  };
  return [
    {
      method: 'GET',
      pattern: '/v1/subscriptions',
      handle(query, _, __, { account: { store } }) {
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
      handle(params, _, request, { account }) {
        const subscription = createSubscription(params, now(), (id) => account.store.has(id), priceLookup(account));
        account.store.put(subscription);
        account.emit('customer.subscription.created', subscription, request);
        return withEmbeddedItems(subscription);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/subscriptions/:id',
      handle(query, [id], _, { account: { store } }) {
        checkParams(query, NO_PARAMS);
        const subscription = store.view(id);
        if (!subscription) throw resourceMissing('subscription', id, 'id');
        return withEmbeddedItems(subscription);
      },
    },
    {
      method: 'POST',
      pattern: '/v1/subscriptions/:id',
      handle(params, [id], request, { account }) {
        const current = existing(account, id);
        const updated = updateSubscription(current, params, now(), priceLookup(account));
        account.store.put(updated);
        const previous = previousAttributes(withEmbeddedItems(current), withEmbeddedItems(updated));
        if (previous) account.emit('customer.subscription.updated', updated, request, previous);
        return withEmbeddedItems(updated);
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/subscriptions/:id',
      handle(params, [id], request, { account }) {
        const current = existing(account, id);
        // Stripe answers a second cancel as if the subscription were gone.
        if (current.status === 'canceled') throw resourceMissing('subscription', id, 'id');
        const canceled = cancelSubscription(current, params, now());
        account.store.put(canceled);
        account.emit('customer.subscription.deleted', canceled, request);
        return withEmbeddedItems(canceled);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/subscription_items',
      handle(query, _, __, { account: { store } }) {
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
      handle(query, _, __, { account: { events } }) {
        checkParams(query, EVENT_LIST_PARAMS);
        const page = events.list({ ...pageQuery(query), ...createdRange(query), type: typeFilter(query) });
        return wireList('/v1/events', page.data, page.hasMore);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/events/:id',
      handle(query, [id], _, { account: { events } }) {
        checkParams(query, NO_PARAMS);
        const event = events.get(id);
        if (!event) throw resourceMissing('event', id, 'id');
        return event;
      },
    },
    {
      method: 'POST',
      pattern: '/v1/webhook_endpoints',
      // The emulator keeps the platform's endpoints only; a Connect one (`connect=true`) gets the connected accounts' events.
      platformOnly: true,
      handle(params) {
        checkParams(params, WEBHOOK_ENDPOINT_PARAMS);
        const form = formOf(params);
        const url = text(form, 'url');
        if (!url) throw missingParam('url');
        if (!URL.canParse(url)) throw invalidRequest(`Invalid URL: ${url}`, 'url', 'url_invalid');
        const enabledEvents = stringsParam(form, 'enabled_events');
        if (enabledEvents.length === 0) throw missingParam('enabled_events');
        const connect = toBoolean(text(form, 'connect') ?? 'false', 'connect');
        // Stripe shows the secret only here, in the answer to the creation.
        return webhooks.addEndpoint({ url, enabledEvents, connect });
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/webhook_endpoints/:id',
      platformOnly: true,
      handle(params, [id]) {
        checkParams(params, NO_PARAMS);
        if (!webhooks.removeEndpoint(id)) throw resourceMissing('webhook endpoint', id, 'id');
        return { id, object: 'webhook_endpoint', deleted: true };
      },
    },
  ];
}
