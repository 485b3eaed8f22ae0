import type { Provider } from '@nestjs/common';
import Stripe from 'stripe';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { STRIPE_CLIENT, STRIPE_SYNC_OPTIONS } from '../stripe-sync.constants.js';

export function createStripeClient({ apiKey, stripe }: ResolvedStripeSyncOptions): Stripe {
  return new Stripe(apiKey, {
    ...stripe,
    apiVersion: stripe.apiVersion as Stripe.StripeConfig['apiVersion'],
    appInfo: { name: 'nestjs-stripe-sync' },
  });
}

export const stripeClientProvider: Provider = {
  provide: STRIPE_CLIENT,
  inject: [STRIPE_SYNC_OPTIONS],
  useFactory: createStripeClient,
};
