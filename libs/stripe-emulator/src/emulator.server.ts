import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { authenticationFailed, EmulatorError, injectedFault, unrecognizedUrl } from './emulator.errors.js';
import { createRoutes, type Route } from './emulator.routes.js';
import { generateSubscriptions, makeId, type SeedOptions } from './emulator.seed.js';
import { SubscriptionStore } from './emulator.store.js';

export interface StripeEmulatorOptions {
  /** Default 0: a random free port. */
  port?: number;
  /** Keys accepted; default any key starting with sk_test_, rk_test_, sk_live_ or rk_live_. */
  apiKeys?: string[];
  /** Subscriptions to generate at start; a number is the count. */
  seed?: SeedOptions | number;
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
}

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

/** A local, in-memory Stripe API server for the official stripe SDK. */
export class StripeEmulator {
  readonly host = '127.0.0.1';
  readonly port: number;
  readonly url: string;
  readonly stats: StripeEmulatorStats = { total: 0, byRoute: {} };

  private readonly store = new SubscriptionStore();
  private readonly routes: CompiledRoute[];
  private faults: ActiveFault[] = [];
  private seedCalls = 0;

  private constructor(
    private readonly server: Server,
    private readonly apiKeys: string[] | undefined,
  ) {
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://${this.host}:${this.port}`;
    this.routes = createRoutes(this.store).map((route) => ({
      ...route,
      regex: new RegExp(`^${route.pattern.replace(/:\w+/g, '([^/]+)')}$`),
    }));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.serve(request, response));
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

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
    // The SDK keeps connections alive; without this, close() would wait for them to time out.
    this.server.closeAllConnections();
    await closed;
  }

  /** Adds generated subscriptions. */
  seed(options: SeedOptions | number): void {
    const seedOptions = typeof options === 'number' ? { subscriptions: options } : options;
    this.store.addSeeded(generateSubscriptions(seedOptions, this.seedCalls++, (id) => this.store.has(id)));
  }

  /** All ids, any status. */
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

  /** Inserts or replaces a subscription (a full object, any number of items). */
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

  resetStats(): void {
    this.stats.total = 0;
    this.stats.byRoute = {};
  }

  /** The next matching requests answer with an error instead of being served. */
  injectFault({ route, delayMs = 0, status = delayMs > 0 ? undefined : 500, times = 1, after = 0 }: StripeEmulatorFault): void {
    this.faults.push({ route, status, delayMs, times, after });
  }

  clearFaults(): void {
    this.faults = [];
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', this.url);
    const match = this.match(method, url.pathname);
    // Request bodies are not read yet (no write endpoints); drain them so keep-alive keeps working.
    request.resume();
    // Keyed by pattern, not by path, so that ids do not each get a counter.
    const key = `${method} ${match?.route.pattern ?? url.pathname}`;
    this.stats.total++;
    this.stats.byRoute[key] = (this.stats.byRoute[key] ?? 0) + 1;
    let status = 200;
    let body: unknown;
    const fault = this.takeFault(key);
    try {
      if (fault?.status !== undefined) throw injectedFault(fault.status);
      this.authenticate(request);
      if (!match || match.route.method !== method) throw unrecognizedUrl(method, url.pathname);
      body = match.route.handle(url.searchParams, match.pathParams);
    } catch (error) {
      const failure =
        error instanceof EmulatorError ? error : new EmulatorError(500, { type: 'api_error', message: `Stripe emulator failure: ${String(error)}` });
      status = failure.status;
      body = { error: failure.body };
    }
    const send = () => {
      response.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': makeId('req', 14, Math.random) });
      response.end(JSON.stringify(body));
    };
    if (fault?.delayMs) setTimeout(send, fault.delayMs);
    else send();
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
