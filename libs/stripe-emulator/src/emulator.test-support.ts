import Stripe from 'stripe';
import type { StripeEmulator } from './emulator.server.js';

/** The official client pointed at the emulator, without retries so that each call is one request. */
export function clientFor(emulator: StripeEmulator, key = 'sk_test_123'): Stripe {
  return new Stripe(key, { ...emulator.clientOptions(), maxNetworkRetries: 0 });
}

/** The error a request fails with; throws if it succeeds. */
export async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the request to fail');
}
