import { BadRequestException, Inject, Injectable, InternalServerErrorException } from '@nestjs/common';
import type Stripe from 'stripe';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { InjectStripeClient } from '../stripe/stripe.decorators.js';
import { STRIPE_SYNC_OPTIONS } from '../stripe-sync.constants.js';
import { jsonShapeProblem } from '../http/json-body.decorator.js';
import { describeProblem } from '../http/stripe-sync-errors.filter.js';

/** Checks Stripe's signature on the raw request bytes against each configured secret (so one can be rotated). */
@Injectable()
export class StripeWebhookVerifier {
  constructor(
    @Inject(STRIPE_SYNC_OPTIONS) private readonly options: ResolvedStripeSyncOptions,
    @InjectStripeClient() private readonly stripe: Stripe,
  ) {}

  /** The verified event; 400 for anything that is not a correctly signed, fresh Stripe event. */
  verify(rawBody: Buffer | undefined, signature: unknown): Stripe.Event {
    if (this.options.webhookSecrets.length === 0 && this.options.connectWebhookSecrets.length === 0) {
      throw new InternalServerErrorException('Webhook signing secret not configured (option webhookSecret)');
    }
    if (!rawBody) {
      throw new InternalServerErrorException('The raw request body is not available: create the Nest app with { rawBody: true }');
    }
    if (typeof signature !== 'string' || signature === '') throw new BadRequestException('Missing Stripe-Signature header');
    const failures: string[] = [];
    // The Connect endpoint's events (of connected accounts) come signed with its own secret.
    for (const secret of [...this.options.webhookSecrets, ...this.options.connectWebhookSecrets]) {
      let event: Stripe.Event;
      try {
        event = this.stripe.webhooks.constructEvent(rawBody, signature, secret, this.options.webhookTolerance);
      } catch (error) {
        if (error instanceof SyntaxError) throw new BadRequestException('Body is not JSON');
        // Stripe's messages say what is wrong and never include the secret.
        failures.push(String((error as Error).message).trim());
        continue;
      }
      if (!isEvent(event)) throw new BadRequestException('Body is not a Stripe event');
      const problem = jsonShapeProblem(event);
      if (problem) throw new BadRequestException(`Body is not a Stripe event: ${describeProblem(problem)}`);
      return event;
    }
    // A stale timestamp means some secret did match: that is the message worth giving.
    const failure = failures.find((message) => /timestamp/i.test(message)) ?? failures[0];
    throw new BadRequestException(`Invalid webhook signature: ${failure}`);
  }
}

function isEvent(value: unknown): value is Stripe.Event {
  const event = value as Partial<Stripe.Event> | null;
  return (
    typeof event === 'object' &&
    event !== null &&
    event.object === 'event' &&
    typeof event.id === 'string' &&
    event.id.length <= 255 &&
    typeof event.type === 'string' &&
    typeof event.created === 'number' &&
    typeof event.data?.object === 'object' &&
    event.data.object !== null
  );
}
