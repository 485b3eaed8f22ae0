import { EmulatorError, injectedFault, rateLimited } from './emulator.errors.js';
import { prng } from './emulator.seed.js';

export interface StripeEmulatorLatency {
  /** Added to every API answer. */
  fixedMs: number;
  /** Up to this much more or less, uniformly drawn per request; the delay never goes below 0. */
  jitterMs?: number;
}

export interface StripeEmulatorRateLimit {
  /**
   * Requests per second over all API routes, bursts up to as many; 0: no limit. One limit for the key, whatever
   * account a request acts as (its `Stripe-Account` header): the library paces all the accounts it reads with one
   * key together, so the emulator counts them together.
   */
  perSecond: number;
  /** Sent as `Retry-After` on 429s; Stripe documents no such header, so none by default. */
  retryAfterSeconds?: number;
}

export interface StripeEmulatorFailures {
  /** Share of requests (0..1) answered 500 `api_error`. */
  errorShare?: number;
  /** Share of requests (0..1) whose connection is closed without an answer. */
  dropShare?: number;
  /** PRNG seed, default 1: the same seed fails the same requests of a sequence. */
  seed?: number;
}

interface Bucket {
  perSecond: number;
  retryAfterSeconds?: number;
  tokens: number;
  filledAt: number;
}

function checkShare(share: number, name: string): number {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`${name} must be within 0..1`);
  return share;
}

/** What a busy API over a real network adds to requests: latency, rate limiting, random failures. */
export class NetworkConditions {
  private latency: Required<StripeEmulatorLatency> = { fixedMs: 0, jitterMs: 0 };
  private bucket: Bucket | undefined;
  private failures = { errorShare: 0, dropShare: 0, random: prng(1) };

  setLatency({ fixedMs, jitterMs = 0 }: StripeEmulatorLatency = { fixedMs: 0 }): void {
    if (!(fixedMs >= 0 && jitterMs >= 0)) throw new RangeError('latency: fixedMs and jitterMs must be >= 0');
    this.latency = { fixedMs, jitterMs };
  }

  setRateLimit(limit?: StripeEmulatorRateLimit): void {
    if (limit && !(limit.perSecond >= 0)) throw new RangeError('rateLimit: perSecond must be >= 0');
    // A full bucket: a client that starts gets the burst at once.
    this.bucket = limit?.perSecond ? { ...limit, tokens: limit.perSecond, filledAt: performance.now() } : undefined;
  }

  setFailures({ errorShare = 0, dropShare = 0, seed = 1 }: StripeEmulatorFailures = {}): void {
    this.failures = { errorShare: checkShare(errorShare, 'errorShare'), dropShare: checkShare(dropShare, 'dropShare'), random: prng(seed) };
  }

  delayMs(): number {
    const { fixedMs, jitterMs } = this.latency;
    return Math.max(0, fixedMs + (Math.random() * 2 - 1) * jitterMs);
  }

  /** Why a request fails before it reaches the API, if it does; 'drop' is a connection closed unanswered. */
  trouble(): EmulatorError | 'drop' | undefined {
    if (this.bucket && !this.takeToken(this.bucket)) {
      return rateLimited(`emulator limit: ${this.bucket.perSecond} requests per second`, this.bucket.retryAfterSeconds);
    }
    const { errorShare, dropShare, random } = this.failures;
    if (errorShare + dropShare === 0) return undefined;
    const roll = random();
    if (roll < dropShare) return 'drop';
    if (roll < dropShare + errorShare) return injectedFault(500, 'random failure');
    return undefined;
  }

  /** A token bucket: refills at `perSecond`, holds at most `perSecond`. */
  private takeToken(bucket: Bucket): boolean {
    const now = performance.now();
    bucket.tokens = Math.min(bucket.perSecond, bucket.tokens + ((now - bucket.filledAt) / 1000) * bucket.perSecond);
    bucket.filledAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens--;
    return true;
  }
}
