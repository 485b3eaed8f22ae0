import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import {
  NetworkConditions,
  type StripeEmulatorFailures,
  type StripeEmulatorLatency,
  type StripeEmulatorRateLimit,
} from './emulator.conditions.js';
import type { AccountData } from './emulator.account-data.js';
import { AccountControls, StripeEmulatorAccount } from './emulator.account-controls.js';
import { createAccountRoutes } from './emulator.account-routes.js';
import { type AccountFields, AccountRegistry } from './emulator.accounts.js';
import { authenticationFailed, EmulatorError, injectedFault, invalidRequest, unrecognizedUrl } from './emulator.errors.js';
import { createObjectRoutes } from './emulator.object-routes.js';
import { isObjectType } from './emulator.kinds.js';
import { integerParam } from './emulator.params.js';
import { createRoutes, type Route, type RouteContext } from './emulator.routes.js';
import { makeId, type SeedOptions } from './emulator.seed.js';
import type { ChildListOrder } from './emulator.store.js';
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
  /** The platform's account id (`acct_…`); default a new one of Stripe's shape. */
  platformAccountId?: string;
}

/** What `createAccount` makes. */
export interface StripeEmulatorAccountOptions {
  /** `acct_` and alphanumerics; default a new id of Stripe's shape. Ids are never reused, not even a deleted account's. */
  id?: string;
  /** Default 'standard'. */
  type?: 'standard' | 'express' | 'custom';
  email?: string | null;
  /** Two-letter country code, default 'US'. */
  country?: string;
  /** `business_profile.name`. */
  businessName?: string | null;
  /** Unix seconds; default the emulator clock. */
  created?: number;
  metadata?: Stripe.Metadata;
  /** Data to generate in the account, as `seed` does; a number is the count of subscriptions. */
  seed?: SeedOptions | number;
}

export interface StripeEmulatorFault {
  /** A route key as in `stats.byRoute`, e.g. 'GET /v1/subscriptions'; omitted: any request. */
  route?: string;
  /** An account key as in `stats.byAccount` (the `Stripe-Account` header, or 'platform' without one); omitted: any. */
  account?: string;
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
  /** By the `Stripe-Account` header as sent, known or not; 'platform' for requests without one. */
  byAccount: Record<string, number>;
  /** Requests answered 429, by the rate limit or by a fault. */
  rateLimited: number;
}

interface ActiveFault {
  route: string | undefined;
  account: string | undefined;
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
    error instanceof EmulatorError
      ? error
      : new EmulatorError(500, { type: 'api_error', message: `Stripe emulator failure: ${String(error)}` });
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

/**
 * A local, in-memory Stripe API server for the official stripe SDK. It is a Connect platform: the
 * data controls it inherits act on the platform's own account, `account(id)` gives those of a
 * connected account, and API requests act as the account their `Stripe-Account` header names.
 */
export class StripeEmulator extends AccountControls {
  readonly host = '127.0.0.1';
  readonly port: number;
  readonly url: string;
  readonly stats: StripeEmulatorStats = { total: 0, byRoute: {}, byAccount: {}, rateLimited: 0 };

  private readonly webhooks = new WebhookDispatcher(() => this.now());
  private readonly accounts: AccountRegistry;
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
    platformAccountId: string | undefined,
  ) {
    super();
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://${this.host}:${this.port}`;
    this.accounts = new AccountRegistry(platformAccountId, { now: () => this.now(), dispatch: (event) => this.webhooks.dispatch(event) });
    const context: RouteContext = { accounts: this.accounts, webhooks: this.webhooks, now: () => this.now() };
    this.routes = [...createRoutes(context), ...createObjectRoutes(context), ...createAccountRoutes(context)].map((route) => ({
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
    let emulator: StripeEmulator;
    try {
      emulator = new StripeEmulator(server, options.apiKeys, options.platformAccountId);
    } catch (error) {
      server.close();
      throw error;
    }
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

  /** The platform's account id: `GET /v1/account` without a `Stripe-Account` header answers its Account object. */
  get platformAccountId(): string {
    return this.accounts.platform.id;
  }

  /**
   * Makes a connected account, onboarded (charges and payouts enabled, nothing due), and seeds its own
   * data if asked to: a consistent account of its own, with its own catalog, as `seed` makes the
   * platform's. Raises no event. Accounts made through `POST /v1/accounts` start without onboarding.
   */
  createAccount(options: StripeEmulatorAccountOptions = {}): Stripe.Account {
    const { seed, ...fields } = options;
    const account = this.accounts.create(fields satisfies AccountFields, true);
    if (seed !== undefined) this.accounts.dataOf(account.id).seed(seed);
    return structuredClone(account);
  }

  /** The connected accounts, deauthorized ones included, in the order they were made. */
  listAccountIds(): string[] {
    return this.accounts.ids();
  }

  /**
   * The data controls of one connected account (`seed`, `getSubscription`, `putObject`, `emitEvent`, ...),
   * as the emulator's own are the platform's. Throws for an unknown id; the view's methods throw once
   * the account is deleted. The platform's id gives the platform's.
   */
  account(id: string): StripeEmulatorAccount {
    this.accounts.dataOf(id);
    return new StripeEmulatorAccount(id, this.accounts);
  }

  /**
   * The connected account revokes the platform's access, as when its owner disconnects the platform:
   * emits `account.application.deauthorized` (with `account`, and the platform's Connect application
   * as `data.object`) to the Connect endpoints; from then on requests with its `Stripe-Account` header
   * answer 403 `account_invalid`, `/v1/accounts/:id` too, `GET /v1/accounts` leaves it out, and its
   * later events reach no endpoint. Its data stays, for `reauthorizeAccount` and the controls. Throws if
   * it is unknown or already deauthorized.
   */
  deauthorizeAccount(id: string): Stripe.Event {
    return this.authorize(id, false);
  }

  /** Undoes `deauthorizeAccount`: emits `account.application.authorized`, and serves the account again. */
  reauthorizeAccount(id: string): Stripe.Event {
    return this.authorize(id, true);
  }

  private authorize(id: string, authorized: boolean): Stripe.Event {
    if (!this.accounts.authorize(id, authorized))
      throw new Error(`Account '${id}' is already ${authorized ? 'authorized' : 'deauthorized'}`);
    const type = authorized ? 'account.application.authorized' : 'account.application.deauthorized';
    return structuredClone(this.accounts.dataOf(id).emit(type, this.accounts.application, { id: null, idempotency_key: null }));
  }

  protected scope(): AccountData {
    return this.accounts.platform;
  }

  resetStats(): void {
    this.stats.total = 0;
    this.stats.byRoute = {};
    this.stats.byAccount = {};
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

  /** Registers an endpoint for the events from now on: with `connect`, those of the connected accounts. */
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
    this.accounts.setChildListOrder(order);
  }

  /** Delays every API answer; undefined: none. */
  setLatency(latency: StripeEmulatorLatency | undefined): void {
    this.conditions.setLatency(latency);
  }

  /**
   * Answers requests over the rate with 429 `rate_limit`; undefined: no limit. One limit for the key, whatever
   * account a request acts as: the library paces all the accounts it reads with one key together.
   */
  setRateLimit(rateLimit: StripeEmulatorRateLimit | undefined): void {
    this.conditions.setRateLimit(rateLimit);
  }

  /** Fails a random share of requests, with a 500 or a dropped connection; undefined: none. */
  setFailures(failures: StripeEmulatorFailures | undefined): void {
    this.conditions.setFailures(failures);
  }

  /** The next matching requests answer with an error instead of being served. */
  injectFault({ route, account, delayMs = 0, status = delayMs > 0 ? undefined : 500, times = 1, after = 0 }: StripeEmulatorFault): void {
    this.faults.push({ route, account, status, delayMs, times, after });
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
    if (url.pathname.startsWith(CONTROL_PREFIX)) return this.reply(response, this.control(url))();
    const match = this.match(method, url.pathname);
    // Keyed by pattern, not by path, so that ids do not each get a counter.
    const key = `${method} ${match?.route.pattern ?? url.pathname}`;
    const header = request.headers['stripe-account'];
    const accountHeader = typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
    const accountKey = accountHeader ?? 'platform';
    this.stats.total++;
    this.stats.byRoute[key] = (this.stats.byRoute[key] ?? 0) + 1;
    this.stats.byAccount[accountKey] = (this.stats.byAccount[accountKey] ?? 0) + 1;
    const requestId = makeId('req', 14, Math.random);
    const fault = this.takeFault(key, accountKey);
    const delayMs = this.conditions.delayMs() + (fault?.delayMs ?? 0);
    let answer: Answer;
    try {
      if (fault?.status !== undefined) throw injectedFault(fault.status);
      // One rate limit whatever the Stripe-Account header: the key's requests for all its accounts count together.
      const trouble = this.conditions.trouble();
      if (trouble === 'drop') return this.later(delayMs, () => request.socket.destroy());
      if (trouble) throw trouble;
      const maskedKey = maskKey(this.authenticate(request));
      const account = this.accounts.forHeader(accountHeader, maskedKey);
      if (!match || match.route.method !== method) throw unrecognizedUrl(method, url.pathname);
      if (match.route.platformOnly && account.connected) {
        throw invalidRequest(
          `${key} is served to the platform only: send it without the Stripe-Account header (the emulator's connected accounts are not platforms).`,
        );
      }
      const params = method === 'POST' ? new URLSearchParams(body) : url.searchParams;
      const idempotencyKey = request.headers['idempotency-key'];
      const origin = { id: requestId, idempotency_key: typeof idempotencyKey === 'string' ? idempotencyKey : null };
      answer = { status: 200, body: match.route.handle(params, match.pathParams, origin, { account, maskedKey }) };
    } catch (error) {
      answer = errorAnswer(error);
    }
    if (answer.status === 429) this.stats.rateLimited++;
    this.later(delayMs, this.reply(response, answer, requestId));
  }

  /**
   * Serializes the answer at once, so that it holds the state at the request, and only its text waits out the
   * latency (many small objects held that long would make the garbage collector the emulator's main cost).
   */
  private reply(response: ServerResponse, { status, body, headers }: Answer, requestId?: string): () => void {
    const text = JSON.stringify(body);
    return () => {
      response.writeHead(status, { 'Content-Type': 'application/json', ...(requestId && { 'Request-Id': requestId }), ...headers });
      response.end(text);
    };
  }

  private later(delayMs: number, action: () => void): void {
    if (delayMs <= 0) return action();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }

  /**
   * The control channel: the true state, for a benchmark to check a sync against. No auth, latency, faults or stats.
   * `?account=acct_…` reads a connected account's data instead of the platform's.
   */
  private control(url: URL): Answer {
    try {
      const accountId = url.searchParams.get('account');
      const { store, objects, events } = accountId === null ? this.accounts.platform : this.controlAccount(accountId);
      if (url.pathname === `${CONTROL_PREFIX}stats`) {
        const counts = { subscription: store.size, ...objects.counts() };
        return {
          status: 200,
          body: {
            ...this.stats,
            subscriptions: store.size,
            objects: counts,
            events: events.size,
            accounts: this.accounts.size,
            rssBytes: process.memoryUsage.rss(),
          },
        };
      }
      const pages: Record<string, (() => { total: number; page: (offset: number, limit: number) => unknown[] }) | undefined> = {
        [`${CONTROL_PREFIX}subscriptions/ids`]: () => ({ total: store.size, page: (offset, limit) => store.idsInListOrder(offset, limit) }),
        [`${CONTROL_PREFIX}subscriptions/items`]: () => ({
          total: store.size,
          page: (offset, limit) => store.itemIdsInListOrder(offset, limit),
        }),
        [`${CONTROL_PREFIX}objects/ids`]: () => {
          const type = url.searchParams.get('type') ?? '';
          if (type === 'subscription') return { total: store.size, page: (offset, limit) => store.idsInListOrder(offset, limit) };
          if (!isObjectType(type))
            throw invalidRequest(`Invalid type: must be one of subscription, ${Object.keys(objects.counts()).join(', ')}`, 'type');
          return { total: objects.size(type), page: (offset, limit) => objects.idsInListOrder(type, offset, limit) };
        },
        [`${CONTROL_PREFIX}accounts/ids`]: () => {
          const listed = this.accounts.idsInListOrder(0, Infinity);
          return { total: listed.length, page: (offset, limit) => listed.slice(offset, offset + limit) };
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

  /** A connected account's data for the control channel, deauthorized or not. */
  private controlAccount(id: string): AccountData {
    try {
      return this.accounts.dataOf(id);
    } catch {
      throw invalidRequest(`No such connected account: '${id}'`, 'account');
    }
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

  /** The request's key, if the emulator accepts it. */
  private authenticate(request: IncomingMessage): string {
    const key = apiKeyOf(request);
    if (!key) {
      throw authenticationFailed(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      );
    }
    const accepted = this.apiKeys ? this.apiKeys.includes(key) : DEFAULT_KEY.test(key);
    if (!accepted) throw authenticationFailed(`Invalid API Key provided: ${maskKey(key)}`);
    return key;
  }

  /** Every matching fault counts the request toward its `after`; the first one due fires. */
  private takeFault(key: string, account: string): ActiveFault | undefined {
    let fired: ActiveFault | undefined;
    for (const fault of this.faults) {
      if (fault.route !== undefined && fault.route !== key) continue;
      if (fault.account !== undefined && fault.account !== account) continue;
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
