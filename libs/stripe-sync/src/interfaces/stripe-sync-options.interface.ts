import type { CanActivate } from '@nestjs/common';
import type { MirroredObjectDefinition } from '../objects/mirrored-object.js';
import type { BuiltInObjectName } from '../objects/mirrored-objects.js';

/** Settings passed through to the `stripe` client. */
export interface StripeClientSettings {
  host?: string;
  port?: number | string;
  protocol?: 'http' | 'https';
  apiVersion?: string;
  maxNetworkRetries?: number;
  timeout?: number;
}

export interface StripeSyncModuleOptions {
  /** Secret or restricted key (`sk_…` / `rk_…`). Required. */
  apiKey: string;
  /** Passed through to the Stripe client (point `host`/`port`/`protocol` at a local server in tests). */
  stripe?: StripeClientSettings;
  /**
   * Bearer token the HTTP routes require. Without one (and without `guard`) every route answers 401.
   */
  adminToken?: string;
  /** Replaces the admin-token check with the host app's own guard. */
  guard?: CanActivate;
  /**
   * The module's scheduled jobs, or `false` for none. Needs `ScheduleModule.forRoot()` in your app while any is
   * on. Default: the event catch-up every 5 minutes, the full sync of the whole account daily at 03:00 UTC.
   */
  schedule?: false | StripeSyncSchedule;
  /** How many requests for single objects (`syncByIds`, items beyond 10) run at once. Default 8. */
  concurrency?: number;
  /**
   * Fewest list pages full syncs keep in flight at once (and the number when requests are not paced). More go
   * out as Stripe's answer time requires for the pace to be the limit, up to `maxParallelism`. Default 4.
   */
  parallelism?: number;
  /** Most list pages full syncs keep in flight at once, all runs, types and accounts together. Default 64. */
  maxParallelism?: number;
  /**
   * How many pages full syncs write to the database at once, all runs together, each on a connection of your
   * TypeORM pool: keep it below the pool's size, so that your app's own queries find a connection during a full
   * sync. Default 4.
   */
  writeConcurrency?: number;
  /**
   * Requests per second this process sends with the key, shared by every caller. Default: 20 for test keys,
   * 80 for live ones (Stripe allows 25 and 100). 0 sends without pacing (429s are still retried).
   */
  requestsPerSecond?: number;
  /**
   * Signing secret(s) of the webhook endpoint (`whsec_…`). Several are accepted at once, so a secret can be
   * rotated. Without one, the webhook route refuses every delivery.
   */
  webhookSecret?: string | string[];
  /** How old a webhook signature may be, in seconds. Default 300, as Stripe's libraries. */
  webhookTolerance?: number;
  /** Whether `past_due` subscriptions count as active for `StripeMirrorQuery`. Default false. */
  pastDueIsActive?: boolean;
  /** Largest JSON body the module's routes read (on Express), in bytes. Default 10 MiB. */
  jsonBodyLimit?: number;
  /**
   * Stripe Connect: `false` (default) mirrors the platform's own objects only; `{ accounts: 'all' }` also every
   * connected account's, `{ accounts: ['acct_…'] }` those accounts'.
   */
  connect?: false | { accounts: 'all' | string[] };
  /** Signing secret(s) of the Connect webhook endpoint (events of connected accounts), beside `webhookSecret`. */
  connectWebhookSecret?: string | string[];
}

export interface StripeSyncSchedule {
  /** Cron expression of the event catch-up (one instance at a time), or `false`. Default: every 5 minutes. */
  catchUp?: string | false;
  /** Cron expression of the full sync of the whole account (the reconciliation), or `false`. Default `'0 3 * * *'`. */
  fullSync?: string | false;
  /** IANA time zone the expressions are read in. Default `'UTC'`. */
  timeZone?: string;
}

/** Options that shape the module itself, so they are given next to `useFactory` in `forRootAsync`. */
export interface StripeSyncModuleExtras {
  /** Path prefix of the module's routes. Default `stripe`. */
  routePrefix?: string;
  /** Register the module globally. Default false. */
  isGlobal?: boolean;
  /**
   * The types to mirror: built-in ones by name (`'customer'`, `'subscription'`, …) and types of your own
   * (`defineMirroredObject`). Default: every built-in type.
   */
  objects?: (BuiltInObjectName | MirroredObjectDefinition)[];
}

/** Options after validation, with every default applied. */
export interface ResolvedStripeSyncOptions extends Required<
  Omit<StripeSyncModuleOptions, 'adminToken' | 'guard' | 'webhookSecret' | 'connectWebhookSecret' | 'schedule'>
> {
  schedule: Required<StripeSyncSchedule>;
  adminToken?: string;
  guard?: CanActivate;
  webhookSecrets: string[];
  connectWebhookSecrets: string[];
}
