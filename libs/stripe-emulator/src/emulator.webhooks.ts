import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type Stripe from 'stripe';
import { makeId, prng } from './emulator.seed.js';

export interface WebhookEndpointOptions {
  url: string;
  /** The signing secret; default a generated `whsec_…`. */
  secret?: string;
  /** The event types sent, `'*'` for all; default `['*']`. */
  enabledEvents?: string[];
  /**
   * A Connect endpoint (true) receives the events of the connected accounts, each with its `account`;
   * an account endpoint (false, the default) those of the platform only.
   */
  connect?: boolean;
}

export interface WebhookOptions {
  /**
   * 'immediate' (default) sends each event on its own, `delayMs` after it happened; 'hold' queues events until
   * `flushWebhooks`. Events held stay held when the mode changes back: only a flush sends them.
   */
  mode?: 'immediate' | 'hold';
  delayMs?: number;
  /** Share of events (0..1) delivered twice, as Stripe may do; default 0. */
  duplicateShare?: number;
  /** Flushes deliver in random order; default false. */
  shuffle?: boolean;
  /** Seed of the PRNG behind duplicates and shuffles, default 1. */
  seed?: number;
  /** Attempts per event and endpoint in immediate mode, the first included; default 3. */
  maxAttempts?: number;
  /** Wait before the next attempt after a failure, in immediate mode; default 1000. */
  retryDelayMs?: number;
}

export interface WebhookDelivery {
  eventId: string;
  endpointId: string;
  /** 1 for the first POST of this event to this endpoint, 2 for the next, whether a retry or a duplicate. */
  attempt: number;
  /** The HTTP status answered, or 0 when there was no answer (refused, reset, timed out). */
  status: number;
  /** When the answer came, in ms since the epoch (wall clock, not the emulator clock). */
  at: number;
}

interface Endpoint extends Stripe.WebhookEndpoint {
  secret: string;
}

/** One event for one endpoint. */
interface Target {
  event: Stripe.Event;
  endpoint: Endpoint;
  attempts: number;
  delivered: boolean;
}

const DEFAULTS: Required<WebhookOptions> = {
  mode: 'immediate',
  delayMs: 0,
  duplicateShare: 0,
  shuffle: false,
  seed: 1,
  maxAttempts: 3,
  retryDelayMs: 1000,
};

/** So that an endpoint that never answers cannot hold `waitForWebhooks` forever. */
const TIMEOUT_MS = 10_000;

const isSuccess = (status: number) => status >= 200 && status < 300;

/** POSTs `body`; resolves to the status answered, or 0 when there was none. */
function post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // A connection per delivery, closed after it (agent: false): pooled ones would keep a test run alive.
    const request = send(
      target,
      { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, agent: false, signal, timeout: TIMEOUT_MS },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

/** Sends events to webhook endpoints, signed as Stripe signs them. */
export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private options = DEFAULTS;
  private random = prng(DEFAULTS.seed);
  private readonly endpoints = new Map<string, Endpoint>();
  /** The ids of the Connect endpoints: Stripe's endpoint object does not show the flag. */
  private readonly connectEndpoints = new Set<string>();
  /** Who each event went to, by event id. */
  private readonly targets = new Map<string, Target[]>();
  /** Targets not yet delivered in hold mode, oldest first. */
  private readonly held = new Set<Target>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Deliveries scheduled or in flight. */
  private busy = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly now: () => number) {}

  configure(options: WebhookOptions): void {
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    const next: Required<WebhookOptions> = { ...this.options, ...given };
    if (next.mode !== 'immediate' && next.mode !== 'hold') throw new RangeError(`webhooks: unknown mode ${String(next.mode)}`);
    if (!(next.duplicateShare >= 0 && next.duplicateShare <= 1)) throw new RangeError('webhooks: duplicateShare must be within 0..1');
    if (!(next.delayMs >= 0 && next.retryDelayMs >= 0)) throw new RangeError('webhooks: delays must be >= 0');
    if (!(Number.isInteger(next.maxAttempts) && next.maxAttempts >= 1))
      throw new RangeError('webhooks: maxAttempts must be an integer >= 1');
    this.options = next;
    if (options.seed !== undefined) this.random = prng(options.seed);
  }

  addEndpoint({
    url,
    secret = makeId('whsec', 32, Math.random),
    enabledEvents = ['*'],
    connect = false,
  }: WebhookEndpointOptions): Endpoint {
    if (!URL.canParse(url)) throw new TypeError(`Invalid webhook URL: ${url}`);
    const endpoint: Endpoint = {
      id: makeId('we', 24, Math.random),
      object: 'webhook_endpoint',
      api_version: null,
      application: null,
      created: this.now(),
      description: null,
      enabled_events: enabledEvents,
      livemode: false,
      metadata: {},
      secret,
      status: 'enabled',
      url,
    };
    this.endpoints.set(endpoint.id, endpoint);
    if (connect) this.connectEndpoints.add(endpoint.id);
    return endpoint;
  }

  /** False for an unknown id. Deliveries to the endpoint stop, held ones are dropped. */
  removeEndpoint(id: string): boolean {
    if (!this.endpoints.delete(id)) return false;
    this.connectEndpoints.delete(id);
    for (const target of this.held) if (target.endpoint.id === id) this.held.delete(target);
    return true;
  }

  /**
   * Sends a new event to the endpoints enabled for it, or holds it for them: an event of a connected account
   * (with `account`) goes to the Connect endpoints, one of the platform to the others.
   */
  dispatch(event: Stripe.Event): void {
    const connected = event.account !== undefined;
    const targets = [...this.endpoints.values()]
      .filter((endpoint) => this.connectEndpoints.has(endpoint.id) === connected)
      .filter((endpoint) => endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(event.type))
      .map((endpoint): Target => ({ event, endpoint, attempts: 0, delivered: false }));
    event.pending_webhooks = targets.length;
    this.targets.set(event.id, targets);
    if (this.options.mode === 'hold') {
      for (const target of targets) this.held.add(target);
      return;
    }
    const twice = this.random() < this.options.duplicateShare;
    for (const target of targets) this.send(target, this.options.delayMs, twice);
  }

  /** Events held for at least one endpoint, oldest first. */
  pending(): Stripe.Event[] {
    return [...new Set([...this.held].map((target) => target.event))];
  }

  /**
   * Delivers, one after the other, the given events (to every endpoint each went to; an id given
   * twice is delivered twice), or else the held ones, with duplicates and in the order the options
   * and `order` say. One attempt each; what fails stays held.
   */
  async flush(order?: string[] | 'random' | 'reverse'): Promise<WebhookDelivery[]> {
    let queue: Target[];
    if (Array.isArray(order)) {
      queue = order.flatMap((id) => {
        const targets = this.targets.get(id);
        if (!targets) throw new Error(`No such event: '${id}'`);
        return targets;
      });
    } else {
      queue = [...this.held];
      // Duplicates come after the rest, as redeliveries do.
      for (const event of this.pending()) {
        if (this.random() < this.options.duplicateShare) queue.push(...queue.filter((target) => target.event === event));
      }
      if (order === 'reverse') queue.reverse();
      else if (order === 'random' || this.options.shuffle) this.shuffle(queue);
    }
    const deliveries: WebhookDelivery[] = [];
    for (const target of queue) {
      this.busy++;
      const delivery = await this.deliver(target).finally(() => this.settle());
      if (delivery) deliveries.push(delivery);
    }
    return deliveries;
  }

  /** Resolves once no delivery is scheduled or in flight. */
  idle(): Promise<void> {
    return this.busy === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels scheduled deliveries and aborts those in flight. */
  stop(): void {
    this.abort.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.busy -= this.timers.size;
    this.timers.clear();
    this.settle(0);
  }

  /** Delivers after `delayMs`, retrying failures, then once more if `twice`. */
  private send(target: Target, delayMs: number, twice: boolean): void {
    if (this.abort.signal.aborted) return;
    this.busy++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(target).then((delivery) => {
        if (delivery && !isSuccess(delivery.status) && target.attempts < this.options.maxAttempts)
          this.send(target, this.options.retryDelayMs, twice);
        else if (delivery && isSuccess(delivery.status) && twice) this.send(target, 0, false);
        this.settle();
      });
    }, delayMs);
    this.timers.add(timer);
  }

  /** Counts a delivery done and wakes the waiters when none is left. */
  private settle(count = 1): void {
    this.busy -= count;
    if (this.busy === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** One signed POST; undefined if the endpoint is gone. */
  private async deliver(target: Target): Promise<WebhookDelivery | undefined> {
    const { event, endpoint } = target;
    if (this.endpoints.get(endpoint.id) !== endpoint) return undefined;
    target.attempts++;
    // Stripe pretty-prints the payload; the signature covers these exact bytes.
    const payload = JSON.stringify(event, null, 2);
    const timestamp = this.now();
    const signature = createHmac('sha256', endpoint.secret).update(`${timestamp}.${payload}`).digest('hex');
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'Cache-Control': 'no-cache',
      'Stripe-Signature': `t=${timestamp},v1=${signature}`,
    };
    const status = await post(endpoint.url, payload, headers, this.abort.signal);
    const delivery = { eventId: event.id, endpointId: endpoint.id, attempt: target.attempts, status, at: Date.now() };
    this.deliveries.push(delivery);
    if (isSuccess(status) && !target.delivered) {
      target.delivered = true;
      event.pending_webhooks--;
      this.held.delete(target);
    }
    return delivery;
  }

  private shuffle(queue: Target[]): void {
    for (let i = queue.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [queue[i], queue[j]] = [queue[j], queue[i]];
    }
  }
}
