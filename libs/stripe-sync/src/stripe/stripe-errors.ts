import Stripe from 'stripe';

/** Stripe answered that the object does not exist. */
export function isResourceMissing(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeError && error.code === 'resource_missing';
}

/** A message safe to log and return: Stripe's own (which never holds a whole key), else the error's. */
export function describeError(error: unknown): string {
  if (error instanceof Stripe.errors.StripeError) return `${error.type}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
