import { Injectable } from '@nestjs/common';

/** What became of one HTTP request to Stripe (each attempt of a retried one counts). */
export type StripeRequestOutcome = 'ok' | 'client_error' | 'rate_limited' | 'server_error' | 'network_error';

/** What became of one event, by webhook or catch-up: how it was applied, or why not. */
export type StripeEventOutcome =
  'applied' | 'stale' | 'refetched' | 'deleted' | 'duplicate' | 'ignored' | 'invalid' | 'failed' | 'bad_signature';

/** What the module reports as it works; every method is optional. Nothing reported carries a secret. */
export interface StripeSyncTelemetryListener {
  stripeRequest?(outcome: StripeRequestOutcome, seconds: number): void;
  /** A request waited this long for its slot in the pace. */
  governorWait?(seconds: number): void;
  /** Rows of a type written (inserted or updated, or seen unchanged) and, of them, restored. */
  objectsWritten?(object: string, written: number, restored: number): void;
  objectsSoftDeleted?(object: string, count: number): void;
  /** A full sync of one type (of one account) started or was resumed. */
  runStarted?(object: string): void;
  runEnded?(object: string, status: 'completed' | 'failed', seconds: number): void;
  eventReceived?(outcome: StripeEventOutcome, seconds: number): void;
}

/**
 * The module's reports, for metrics (`nestjs-stripe-sync/metrics` listens with prom-client) or your own listener:
 * `telemetry.subscribe({ runEnded: (object, status) => … })`. A listener that throws is not the module's problem.
 */
@Injectable()
export class StripeSyncTelemetry {
  private readonly listeners = new Set<StripeSyncTelemetryListener>();

  /** Adds a listener; the function answered removes it. */
  subscribe(listener: StripeSyncTelemetryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  report<K extends keyof StripeSyncTelemetryListener>(what: K, ...args: Parameters<NonNullable<StripeSyncTelemetryListener[K]>>): void {
    for (const listener of this.listeners) {
      try {
        (listener[what] as ((...values: typeof args) => void) | undefined)?.(...args);
      } catch {
        // Metrics must never break a sync.
      }
    }
  }
}
