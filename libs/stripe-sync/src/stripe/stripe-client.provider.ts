import type { Provider } from '@nestjs/common';
import Stripe from 'stripe';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { STRIPE_CLIENT, STRIPE_SYNC_OPTIONS } from '../stripe-sync.constants.js';
import { StripeSyncTelemetry } from '../metrics/stripe-sync.telemetry.js';
import { PageBudget } from './stripe-page-budget.js';
import { DEFAULT_MAX_RETRIES, GovernedHttpClient, governorFor } from './stripe-request-governor.js';

/**
 * The Stripe client, with every request paced by the key's governor and retried by it `maxNetworkRetries` times
 * (the SDK's own retries are off, so that they do not multiply).
 */
export function createStripeClient(
  { apiKey, stripe, requestsPerSecond }: ResolvedStripeSyncOptions,
  telemetry?: StripeSyncTelemetry,
): Stripe {
  const { maxNetworkRetries = DEFAULT_MAX_RETRIES, ...settings } = stripe;
  const governor = governorFor(apiKey, requestsPerSecond);
  return new Stripe(apiKey, {
    ...settings,
    maxNetworkRetries: 0,
    apiVersion: stripe.apiVersion as Stripe.StripeConfig['apiVersion'],
    httpClient: new GovernedHttpClient(Stripe.createNodeHttpClient(), governor, maxNetworkRetries, telemetry),
    appInfo: { name: 'nestjs-stripe-sync' },
  });
}

export const stripeClientProvider: Provider = {
  provide: STRIPE_CLIENT,
  inject: [STRIPE_SYNC_OPTIONS, StripeSyncTelemetry],
  useFactory: createStripeClient,
};

/** The page budget of full syncs, sized from the key's governor (its pace and Stripe's answer time). */
export const pageBudgetProvider: Provider = {
  provide: PageBudget,
  inject: [STRIPE_SYNC_OPTIONS],
  useFactory: ({ apiKey, requestsPerSecond, parallelism, maxParallelism, concurrency, writeConcurrency }: ResolvedStripeSyncOptions) =>
    new PageBudget(governorFor(apiKey, requestsPerSecond), parallelism, maxParallelism, concurrency, writeConcurrency),
};
