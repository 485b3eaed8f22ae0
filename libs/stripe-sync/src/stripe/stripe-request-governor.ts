import Stripe from 'stripe';
import type { StripeRequestOutcome, StripeSyncTelemetry } from '../metrics/stripe-sync.telemetry.js';

type HttpClient = InstanceType<typeof Stripe.HttpClient>;
type HttpClientResponse = Awaited<ReturnType<HttpClient['makeRequest']>>;

export interface GovernorStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  retries: number;
  /** 429 answers received (and retried: none reaches the caller unless retries run out). */
  rateLimited: number;
}

/** Test-mode keys get 25 requests/s from Stripe, live ones 100: stay a safe margin below. */
export function defaultRequestRate(apiKey: string): number {
  return /^(sk|rk)_test_/.test(apiKey) ? 20 : 80;
}

export const DEFAULT_MAX_RETRIES = 8;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 20_000;
/** Weight of the newest answer time in the moving average. */
const LATENCY_SMOOTHING = 0.1;

/**
 * Paces the requests made with one API key (evenly spaced at `rate` per second; 0 = unpaced), and slows down
 * when Stripe answers 429, recovering gradually as requests succeed.
 */
export class RequestGovernor {
  readonly stats: GovernorStats = { requests: 0, retries: 0, rateLimited: 0 };
  private rate: number;
  private nextSlot = 0;
  private latency = 0;

  constructor(private readonly baseRate: number) {
    this.rate = baseRate;
  }

  /** Requests per second now (0: unpaced). */
  get currentRate(): number {
    return this.baseRate === 0 ? 0 : this.rate;
  }

  /** Moving average of Stripe's answer times, in ms (0 until the first answer). */
  get latencyMs(): number {
    return this.latency;
  }

  observeLatency(ms: number): void {
    this.latency = this.latency === 0 ? ms : this.latency + (ms - this.latency) * LATENCY_SMOOTHING;
  }

  /** Resolves when the next request may be sent. */
  async slot(): Promise<void> {
    if (this.baseRate === 0) return;
    const now = Date.now();
    const start = Math.max(now, this.nextSlot);
    this.nextSlot = start + 1000 / this.rate;
    if (start > now) await sleep(start - now);
  }

  slowDown(): void {
    if (this.baseRate > 0) this.rate = Math.max(1, this.rate / 2);
  }

  speedUp(): void {
    this.rate = Math.min(this.baseRate, this.rate + this.baseRate / 50);
  }
}

/** One governor per API key (and rate) in the process, whoever makes the request: backfill, webhooks, the app. */
const governors = new Map<string, RequestGovernor>();

export function governorFor(apiKey: string, rate: number): RequestGovernor {
  const key = `${apiKey}\u0000${rate}`;
  let governor = governors.get(key);
  if (!governor) governors.set(key, (governor = new RequestGovernor(rate)));
  return governor;
}

/**
 * The Stripe client's HTTP layer with the governor in front: every request waits for its slot, and a 429, a 5xx
 * or a dropped connection is retried with exponential backoff and jitter, honouring `Retry-After` and
 * `Stripe-Should-Retry`. Writes are retried only when they carry an idempotency key.
 */
export class GovernedHttpClient extends Stripe.HttpClient {
  constructor(
    private readonly inner: HttpClient,
    private readonly governor: RequestGovernor,
    private readonly maxRetries: number,
    private readonly telemetry?: StripeSyncTelemetry,
  ) {
    super();
  }

  override getClientName(): string {
    return this.inner.getClientName();
  }

  override async makeRequest(...args: Parameters<HttpClient['makeRequest']>): Promise<HttpClientResponse> {
    const [, , , method, headers] = args;
    const replayable = method === 'GET' || method === 'DELETE' || 'Idempotency-Key' in headers;
    for (let attempt = 0; ; attempt++) {
      const queuedAt = performance.now();
      await this.governor.slot();
      const sentAt = performance.now();
      this.telemetry?.report('governorWait', (sentAt - queuedAt) / 1000);
      this.governor.stats.requests++;
      let response: HttpClientResponse | undefined;
      let failure: unknown;
      try {
        response = await this.inner.makeRequest(...args);
        this.governor.observeLatency(performance.now() - sentAt);
      } catch (error) {
        failure = error;
      }
      const status = response?.getStatusCode() ?? 0;
      this.telemetry?.report('stripeRequest', outcomeOf(status, failure), (performance.now() - sentAt) / 1000);
      const retry = attempt < this.maxRetries && shouldRetry(status, response?.getHeaders() ?? {}, failure, replayable);
      if (!retry) {
        if (failure) throw failure;
        if (status < 400) this.governor.speedUp();
        return response!;
      }
      if (status === 429) {
        this.governor.stats.rateLimited++;
        this.governor.slowDown();
      }
      this.governor.stats.retries++;
      await discard(response);
      await sleep(retryDelay(attempt, response?.getHeaders() ?? {}));
    }
  }
}

function outcomeOf(status: number, failure: unknown): StripeRequestOutcome {
  if (failure) return 'network_error';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return status >= 400 ? 'client_error' : 'ok';
}

function shouldRetry(status: number, headers: Record<string, unknown>, failure: unknown, replayable: boolean): boolean {
  // A dropped connection may or may not have reached Stripe: only a request safe to repeat is sent again.
  if (failure) return replayable;
  const advice = headers['stripe-should-retry'];
  if (advice === 'false') return false;
  if (status === 429) return true;
  return (advice === 'true' || status >= 500) && replayable;
}

function retryDelay(attempt: number, headers: Record<string, unknown>): number {
  const retryAfterMs = Number(headers['retry-after']) * 1000;
  const backoff = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  const jittered = backoff / 2 + Math.random() * (backoff / 2);
  return Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? Math.max(retryAfterMs, jittered) : jittered;
}

/** Reads and drops a response being retried, so its connection goes back to the pool. */
async function discard(response: HttpClientResponse | undefined): Promise<void> {
  if (!response) return;
  if (response.dispose) response.dispose();
  else await Promise.resolve(response.toJSON()).catch(() => undefined);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
