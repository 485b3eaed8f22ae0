import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { NetworkConditions, type StripeEmulatorFailures, type StripeEmulatorLatency, type StripeEmulatorRateLimit } from './emulator.conditions.js';
import { authenticationFailed, EmulatorError, injectedFault, invalidRequest, unrecognizedUrl } from './emulator.errors.js';
import { generateBilling } from './emulator.billing.js';
import { EventLog, type StripeObject } from './emulator.events.js';
import { createObjectRoutes } from './emulator.object-routes.js';
import { type BillingObject, type BillingObjects, isObjectType, type ObjectType, wireForm } from './emulator.kinds.js';
import { ObjectStore } from './emulator.objects.js';
import { integerParam } from './emulator.params.js';
import { createRoutes, type Route, type RouteContext } from './emulator.routes.js';
import { makeId, type SeedOptions } from './emulator.seed.js';
import { type ChildListOrder, SubscriptionStore } from './emulator.store.js';
import { type WebhookDelivery, WebhookDispatcher, type WebhookEndpointOptions, type WebhookOptions } from './emulator.webhooks.js';

export interface StripeEmulatorOptions {
  /** Default 0: a random free port. */
  port?: number;
  /** Keys accepted; default any key starting with sk_test_, rk_test_, sk_live_ or rk_live_. */
  apiKeys?: string[];
  /** Subscriptions to generate at start; a number is the count. */
  seed?: SeedOptions | number;
  /** Delay added to every API answer; default none. See `setLatency`. */
  latency?: StripeEmulatorLatency;
  /** Default none. See `setRateLimit`. */
  rateLimit?: StripeEmulatorRateLimit;
  /** Random errors and dropped connections; default none. See `setFailures`. */
  failures?: StripeEmulatorFailures;
  /** How events reach webhook endpoints. See `setWebhookOptions`. */
  webhooks?: WebhookOptions;
}

export interface StripeEmulatorFault {
  /** A route key as in `stats.byRoute`, e.g. 'GET /v1/subscriptions'; omitted: any request. */
  route?: string;
  /** The error status to answer with; default 500, or none (served normally) when only `delayMs` is given. */
  status?: number;
  /** Holds the answer back this long, to make a request slow. */
  delayMs?: number;
  /** How many matching requests fail, default 1. */
  times?: number;
  /** How many matching requests pass first, default 0. */
  after?: number;
}

export interface StripeEmulatorStats {
  total: number;
  byRoute: Record<string, number>;
  /** Requests answered 429, by the rate limit or by a fault. */
  rateLimited: number;
}

/** The object types the emulator serves, by Stripe's `object` name. */
export type StripeEmulatorObjectType = ObjectType | 'subscription';

/** What `getObject` answers for each type: a deleted customer is still retrievable, as a stub. */
export interface StripeEmulatorObjects extends Omit<BillingObjects, 'customer'> {
  customer: Stripe.Customer | Stripe.DeletedCustomer;
  subscription: Stripe.Subscription;
}

/** Any object `putObject` takes. */
export type StripeEmulatorObject = BillingObject | Stripe.Subscription;

interface ActiveFault {
  route: string | undefined;
  status: number | undefined;
  delayMs: number;
  times: number;
  after: number;
}

interface CompiledRoute extends Route {
  regex: RegExp;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The paths of the control channel, outside the emulated API; emulator.cli.ts documents them. */
const CONTROL_PREFIX = '/_emulator/';

const DEFAULT_KEY = /^(sk|rk)_(test|live)_./;

/** Shows a key the way Stripe's error messages do: its prefix and at most the last four characters. */
function maskKey(key: string): string {
  const prefix = /^[a-z]+_(test|live)_/.exec(key)?.[0] ?? '';
  const rest = key.slice(prefix.length);
  const shown = rest.length > 8 ? rest.slice(-4) : '';
  return prefix + '*'.repeat(rest.length - shown.length) + shown;
}

/** The key from Bearer auth (what the SDK sends) or Basic auth (what `curl -u sk_test_…:` sends). */
function apiKeyOf(request: IncomingMessage): string | undefined {
  const [scheme, value = ''] = (request.headers.authorization ?? '').trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return value || undefined;
  if (/^basic$/i.test(scheme)) return Buffer.from(value, 'base64').toString().split(':')[0] || undefined;
  return undefined;
}

function errorAnswer(error: unknown): Answer {
  const failure =
    error instanceof EmulatorError ? error : new EmulatorError(500, { type: 'api_error', message: `Stripe emulator failure: ${String(error)}` });
  return { status: failure.status, body: { error: failure.body }, headers: failure.headers };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString()));
    request.on('error', reject);
  });
}

/** A local, in-memory Stripe API server for the official stripe SDK. */
export class StripeEmulator {
  readonly host = '127.0.0.1';
  readonly port: number;
  readonly url: string;
  readonly stats: StripeEmulatorStats = { total: 0, byRoute: {}, rateLimited: 0 };

  private readonly store = new SubscriptionStore();
  private readonly objects = new ObjectStore();
  private readonly events = new EventLog();
  private readonly webhooks = new WebhookDispatcher(() => this.now());
  private readonly conditions = new NetworkConditions();
  private readonly routes: CompiledRoute[];
  private faults: ActiveFault[] = [];
  private clock: number | undefined;
  /** Answers held back by latency or a slow fault; stop() clears them. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly apiKeys: string[] | undefined,
  ) {
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://${this.host}:${this.port}`;
    const context: RouteContext = {
      store: this.store,
      objects: this.objects,
      events: this.events,
      webhooks: this.webhooks,
      now: () => this.now(),
      emit: (type, object, request, previousAttributes) => this.emit(type, object, request, previousAttributes),
    };
    this.routes = [...createRoutes(context), ...createObjectRoutes(context)].map((route) => ({
      ...route,
      regex: new RegExp(`^${route.pattern.replace(/:\w+/g, '([^/]+)')}$`),
    }));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.serve(request, response).catch(() => response.destroy());
    });
  }

  static async start(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const emulator = new StripeEmulator(server, options.apiKeys);
    try {
      emulator.setLatency(options.latency);
      emulator.setRateLimit(options.rateLimit);
      emulator.setFailures(options.failures);
      emulator.setWebhookOptions(options.webhooks ?? {});
      if (options.seed !== undefined) emulator.seed(options.seed);
    } catch (error) {
      await emulator.stop();
      throw error;
    }
    return emulator;
  }

  /** Spread into `new Stripe(key, { ...emulator.clientOptions() })`. */
  clientOptions(): { host: string; port: number; protocol: 'http' } {
    return { host: this.host, port: this.port, protocol: 'http' };
  }

  /** Also cancels held answers and webhook deliveries, so that nothing keeps the process alive. A second call waits for the first. */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private async close(): Promise<void> {
    this.webhooks.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
    // The SDK keeps connections alive; without this, close() would wait for them to time out.
    this.server.closeAllConnections();
    await closed;
  }

  /**
   * Adds generated subscriptions and the account around them: their customers (and `extraCustomers`
   * without subscriptions), the catalog of products and prices their items use, and each one's
   * newest invoices with their payment intents, charges and refunds. The same options give the same data.
   */
  seed(options: SeedOptions | number): void {
    const billing = generateBilling(this.store.seed(typeof options === 'number' ? { subscriptions: options } : options));
    for (const object of billing.catalog) this.objects.putIfAbsent(object);
    for (const [type, entries] of Object.entries(billing.entries)) this.objects.add(type as ObjectType, entries);
    for (const [invoice, intent] of billing.intents) this.objects.linkIntent(invoice, intent);
  }

  /** All ids, any status: generated ones in the order they were generated, then the others in the order they were put. */
  listSubscriptionIds(): string[] {
    return this.store.ids();
  }

  /**
   * The full object, with all items in `items.data`. It is the wire form, as in the JSON: decimals
   * such as `price.unit_amount_decimal` are strings where the SDK would give `Stripe.Decimal`s.
   */
  getSubscription(id: string): Stripe.Subscription | undefined {
    return this.store.get(id);
  }

  /** Inserts or replaces a subscription (a full object, any number of items). Like the other mutators here, it raises no event. */
  putSubscription(subscription: Stripe.Subscription): void {
    this.store.put(subscription);
  }

  /** Shallow-merges top-level fields; throws for an unknown id. */
  updateSubscription(id: string, patch: Partial<Stripe.Subscription>): Stripe.Subscription {
    return this.store.update(id, patch);
  }

  removeSubscription(id: string): void {
    this.store.remove(id);
  }

  /**
   * Inserts or replaces an object of any type the emulator serves, found by its `object` and `id`
   * (a subscription as `putSubscription` does). Like the other mutators here, it raises no event.
   */
  putObject(object: StripeEmulatorObject): void {
    if (object.object === 'subscription') return this.putSubscription(object);
    this.objects.put(object);
  }

  /**
   * A fresh copy in wire form (decimals are strings): an invoice with all its lines, a subscription with all
   * its items; a deleted customer as its stub `{ id, object: 'customer', deleted: true }`; or undefined.
   */
  getObject<T extends StripeEmulatorObjectType>(type: T, id: string): StripeEmulatorObjects[T] | undefined {
    if (type === 'subscription') return this.getSubscription(id) as StripeEmulatorObjects[T] | undefined;
    const objectType = this.objectType(type);
    return (this.objects.stub(objectType, id) ?? this.objects.get(objectType, id)) as StripeEmulatorObjects[T] | undefined;
  }

  /** Gone from lists and retrieve as if it had never existed (retrieve answers 404, even for a deleted customer). */
  removeObject(type: StripeEmulatorObjectType, id: string): void {
    if (type === 'subscription') return this.removeSubscription(id);
    this.objects.remove(this.objectType(type), id);
  }

  /** The ids of one type: generated ones in the order they were generated, then the others in the order they were put. */
  listObjectIds(type: StripeEmulatorObjectType): string[] {
    return type === 'subscription' ? this.listSubscriptionIds() : this.objects.ids(this.objectType(type));
  }

  private objectType(type: string): ObjectType {
    if (!isObjectType(type)) throw new TypeError(`Not an object type the emulator serves: ${type}`);
    return type;
  }

  resetStats(): void {
    this.stats.total = 0;
    this.stats.byRoute = {};
    this.stats.rateLimited = 0;
  }

  /** Unix seconds: the frozen clock if set, else real time. New subscriptions, events and webhook signatures take their times from it. */
  now(): number {
    return this.clock ?? Math.floor(Date.now() / 1000);
  }

  /** Freezes the clock at `seconds`, so that events can share a second; undefined returns to real time. */
  setClock(seconds: number | undefined): void {
    if (seconds !== undefined && !Number.isInteger(seconds)) throw new RangeError('setClock: seconds must be an integer');
    this.clock = seconds;
  }

  /**
   * Logs an event about `object` as it is now, and sends it to the webhook endpoints: for events the
   * emulator does not raise itself, such as `customer.subscription.trial_will_end` or `invoice.paid`.
   */
  emitEvent(type: string, object: StripeObject): Stripe.Event {
    return structuredClone(this.emit(type, object, { id: null, idempotency_key: null }));
  }

  /** Registers an endpoint for the events from now on. */
  addWebhookEndpoint(options: WebhookEndpointOptions): { id: string; secret: string } {
    const { id, secret } = this.webhooks.addEndpoint(options);
    return { id, secret };
  }

  removeWebhookEndpoint(id: string): void {
    this.webhooks.removeEndpoint(id);
  }

  /** Changes only the options given. */
  setWebhookOptions(options: WebhookOptions): void {
    this.webhooks.configure(options);
  }

  /** In hold mode, the events not yet delivered to all their endpoints, oldest first. */
  pendingWebhooks(): Stripe.Event[] {
    return structuredClone(this.webhooks.pending());
  }

  /**
   * Delivers the held events one after the other, one attempt each, and resolves with what each
   * got; failures stay held. `order` lists event ids (an id twice delivers twice, any logged event
   * can be sent again), or shuffles ('random') or reverses the held ones.
   */
  flushWebhooks(order?: string[] | 'random' | 'reverse'): Promise<WebhookDelivery[]> {
    return this.webhooks.flush(order);
  }

  /** Every webhook POST so far, in the order the answers came. */
  get deliveries(): readonly WebhookDelivery[] {
    return this.webhooks.deliveries;
  }

  /** Resolves once no webhook delivery is scheduled or in flight. */
  waitForWebhooks(): Promise<void> {
    return this.webhooks.idle();
  }

  /**
   * The order in which child lists (`/v1/subscription_items`, `/v1/invoices/:id/lines`) return their entries;
   * default the embedded list's. Stripe documents no order, so a client that pages on from an embedded entry
   * can miss some: `reverse` shows it.
   */
  setChildListOrder(order: ChildListOrder): void {
    this.store.childListOrder = order;
    this.objects.childListOrder = order;
  }

  /** Delays every API answer; undefined: none. */
  setLatency(latency: StripeEmulatorLatency | undefined): void {
    this.conditions.setLatency(latency);
  }

  /** Answers requests over the rate with 429 `rate_limit`; undefined: no limit. */
  setRateLimit(rateLimit: StripeEmulatorRateLimit | undefined): void {
    this.conditions.setRateLimit(rateLimit);
  }

  /** Fails a random share of requests, with a 500 or a dropped connection; undefined: none. */
  setFailures(failures: StripeEmulatorFailures | undefined): void {
    this.conditions.setFailures(failures);
  }

  /** The next matching requests answer with an error instead of being served. */
  injectFault({ route, delayMs = 0, status = delayMs > 0 ? undefined : 500, times = 1, after = 0 }: StripeEmulatorFault): void {
    this.faults.push({ route, status, delayMs, times, after });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /**
   * In order: a fault, the rate limit and random failures (trouble before the API), then
   * authentication and the route. Latency holds back every answer, a dropped connection included.
   */
  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', this.url);
    // Read to the end: POST parameters are in the body, and a drained request keeps its connection reusable.
    const body = await readBody(request);
    if (url.pathname.startsWith(CONTROL_PREFIX)) return this.send(response, this.control(url));
    const match = this.match(method, url.pathname);
    // Keyed by pattern, not by path, so that ids do not each get a counter.
    const key = `${method} ${match?.route.pattern ?? url.pathname}`;
    this.stats.total++;
    this.stats.byRoute[key] = (this.stats.byRoute[key] ?? 0) + 1;
    const requestId = makeId('req', 14, Math.random);
    const fault = this.takeFault(key);
    const delayMs = this.conditions.delayMs() + (fault?.delayMs ?? 0);
    let answer: Answer;
    try {
      if (fault?.status !== undefined) throw injectedFault(fault.status);
      const trouble = this.conditions.trouble();
      if (trouble === 'drop') return this.later(delayMs, () => request.socket.destroy());
      if (trouble) throw trouble;
      this.authenticate(request);
      if (!match || match.route.method !== method) throw unrecognizedUrl(method, url.pathname);
      const params = method === 'POST' ? new URLSearchParams(body) : url.searchParams;
      const idempotencyKey = request.headers['idempotency-key'];
      const origin = { id: requestId, idempotency_key: typeof idempotencyKey === 'string' ? idempotencyKey : null };
      answer = { status: 200, body: match.route.handle(params, match.pathParams, origin) };
    } catch (error) {
      answer = errorAnswer(error);
    }
    if (answer.status === 429) this.stats.rateLimited++;
    this.later(delayMs, () => this.send(response, answer, requestId));
  }

  private send(response: ServerResponse, { status, body, headers }: Answer, requestId?: string): void {
    response.writeHead(status, { 'Content-Type': 'application/json', ...(requestId && { 'Request-Id': requestId }), ...headers });
    response.end(JSON.stringify(body));
  }

  private later(delayMs: number, action: () => void): void {
    if (delayMs <= 0) return action();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }

  /** The control channel: the true state, for a benchmark to check a sync against. No auth, latency, faults or stats. */
  private control(url: URL): Answer {
    try {
      if (url.pathname === `${CONTROL_PREFIX}stats`) {
        const objects = { subscription: this.store.size, ...this.objects.counts() };
        return {
          status: 200,
          body: { ...this.stats, subscriptions: this.store.size, objects, events: this.events.size, rssBytes: process.memoryUsage.rss() },
        };
      }
      const pages: Record<string, (() => { total: number; page: (offset: number, limit: number) => unknown[] }) | undefined> = {
        [`${CONTROL_PREFIX}subscriptions/ids`]: () => ({ total: this.store.size, page: (offset, limit) => this.store.idsInListOrder(offset, limit) }),
        [`${CONTROL_PREFIX}subscriptions/items`]: () => ({ total: this.store.size, page: (offset, limit) => this.store.itemIdsInListOrder(offset, limit) }),
        [`${CONTROL_PREFIX}objects/ids`]: () => {
          const type = url.searchParams.get('type') ?? '';
          if (type === 'subscription') return { total: this.store.size, page: (offset, limit) => this.store.idsInListOrder(offset, limit) };
          if (!isObjectType(type)) throw invalidRequest(`Invalid type: must be one of subscription, ${Object.keys(this.objects.counts()).join(', ')}`, 'type');
          return { total: this.objects.size(type), page: (offset, limit) => this.objects.idsInListOrder(type, offset, limit) };
        },
      };
      const source = pages[url.pathname]?.();
      if (source) {
        const offset = integerParam(url.searchParams, 'offset') ?? 0;
        const limit = integerParam(url.searchParams, 'limit') ?? 10_000;
        if (offset < 0 || limit < 1) throw invalidRequest('Invalid offset or limit: need offset >= 0 and limit >= 1');
        const data = source.page(offset, limit);
        return { status: 200, body: { data, total: source.total, has_more: offset + data.length < source.total } };
      }
      throw unrecognizedUrl('GET', url.pathname);
    } catch (error) {
      return errorAnswer(error);
    }
  }

  private emit(type: string, object: StripeObject, request: Stripe.Event.Request, previousAttributes?: object): Stripe.Event {
    // An object goes in as Stripe sends it, with at most 10 subscription items or invoice lines embedded.
    const event = this.events.append({ type, object: wireForm(object), previousAttributes, request, created: this.now() });
    this.webhooks.dispatch(event);
    return event;
  }

  /** The route whose path matches, preferring the one of this method; the caller checks the method. */
  private match(method: string, path: string): { route: CompiledRoute; pathParams: string[] } | undefined {
    let found: { route: CompiledRoute; pathParams: string[] } | undefined;
    for (const route of this.routes) {
      const groups = route.regex.exec(path);
      if (!groups) continue;
      found = { route, pathParams: groups.slice(1).map(decodeURIComponent) };
      if (route.method === method) break;
    }
    return found;
  }

  private authenticate(request: IncomingMessage): void {
    const key = apiKeyOf(request);
    if (!key) {
      throw authenticationFailed(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      );
    }
    const accepted = this.apiKeys ? this.apiKeys.includes(key) : DEFAULT_KEY.test(key);
    if (!accepted) throw authenticationFailed(`Invalid API Key provided: ${maskKey(key)}`);
  }

  /** Every matching fault counts the request toward its `after`; the first one due fires. */
  private takeFault(key: string): ActiveFault | undefined {
    let fired: ActiveFault | undefined;
    for (const fault of this.faults) {
      if (fault.route !== undefined && fault.route !== key) continue;
      if (fault.after > 0) fault.after--;
      else if (!fired) {
        fired = fault;
        fault.times--;
      }
    }
    this.faults = this.faults.filter((fault) => fault.times > 0);
    return fired;
  }
}
