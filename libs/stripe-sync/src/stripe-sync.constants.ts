/** Injection token of the configured `Stripe` client. */
export const STRIPE_CLIENT = Symbol('STRIPE_CLIENT');

/** Injection token of the validated options, with defaults applied. */
export const STRIPE_SYNC_OPTIONS = Symbol('STRIPE_SYNC_OPTIONS');

export const DEFAULT_ROUTE_PREFIX = 'stripe';
/** Names of the module's jobs in the app's `SchedulerRegistry`. */
export const CATCH_UP_JOB_NAME = 'stripe-sync:catch-up';
export const FULL_SYNC_JOB_NAME = 'stripe-sync:full-sync';

/** Injection token of the route prefix, normalised (`stripe`, `billing/stripe`). */
export const ROUTE_PREFIX = Symbol('ROUTE_PREFIX');

/** Injection token of the actions of the mirrored types, parents first. */
export const MIRRORED_ACTIONS = Symbol('MIRRORED_ACTIONS');
