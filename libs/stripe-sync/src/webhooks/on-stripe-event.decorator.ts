import { SetMetadata } from '@nestjs/common';

export const STRIPE_EVENT_HANDLER = 'nestjs-stripe-sync:on-stripe-event';

/**
 * Runs the decorated provider method after the mirror has been updated for a matching event. Types are exact
 * (`customer.subscription.updated`), end in `.*` (`customer.subscription.*`), or `*` for every event. The method
 * receives the event, the mirrored row (null when the module does not mirror that event's object) and the
 * connected account the event is about (null for the platform's own events).
 */
export const OnStripeEvent = (...types: string[]): MethodDecorator => SetMetadata(STRIPE_EVENT_HANDLER, types);

export function eventTypeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}
