import { Injectable, Logger } from '@nestjs/common';
import { OnStripeEvent, type StripeSubscription } from 'nestjs-stripe-sync';
import type Stripe from 'stripe';

/** The host app's own reaction to mirror changes: here, a log line per subscription event. */
@Injectable()
export class SubscriptionChangesLogger {
  private readonly logger = new Logger('SubscriptionChanges');

  @OnStripeEvent('customer.subscription.*')
  onSubscriptionEvent(event: Stripe.Event, row: StripeSubscription | null) {
    this.logger.log(`${event.type}: ${row?.id} is ${row?.status} (customer ${row?.customerId})`);
  }
}
