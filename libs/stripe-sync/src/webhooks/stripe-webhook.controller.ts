import { BadRequestException, Controller, Headers, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiDocs, errorSchema, webhookReceiptSchema } from '../http/openapi.js';
import { StripeSyncErrorsFilter } from '../http/stripe-sync-errors.filter.js';
import type Stripe from 'stripe';
import { StripeSyncTelemetry } from '../metrics/stripe-sync.telemetry.js';
import { StripeEventsService } from './stripe-events.service.js';
import { StripeWebhookVerifier } from './stripe-webhook.verifier.js';

/**
 * Stripe's webhook endpoint, `POST <routePrefix>/webhook`: public, authenticated by the signature. 400 for
 * anything not correctly signed (nothing is written), 200 once the event is applied or known, 500 when applying
 * it failed, so that Stripe delivers it again.
 */
@Controller()
@UseFilters(StripeSyncErrorsFilter)
export class StripeWebhookController {
  constructor(
    private readonly verifier: StripeWebhookVerifier,
    private readonly events: StripeEventsService,
    private readonly telemetry: StripeSyncTelemetry,
  ) {}

  @Post('webhook')
  @HttpCode(200)
  @ApiDocs((swagger) => [
    swagger.ApiTags('stripe-sync'),
    swagger.ApiOperation({ summary: "Stripe's webhook endpoint: public, authenticated by the event's signature" }),
    swagger.ApiHeader({ name: 'Stripe-Signature', required: true, description: "Stripe's signature of the body (t=…,v1=…)" }),
    swagger.ApiBody({
      description: 'The event, exactly as Stripe sent it',
      schema: { type: 'object', required: ['id', 'type', 'data'], additionalProperties: true },
    }),
    swagger.ApiOkResponse({ description: 'Applied, or already known', schema: webhookReceiptSchema }),
    swagger.ApiBadRequestResponse({ description: "Not signed with the endpoint's secret, or not an event", schema: errorSchema }),
    swagger.ApiInternalServerErrorResponse({ description: 'Applying it failed: Stripe delivers it again', schema: errorSchema }),
  ])
  async receive(@Req() request: { rawBody?: Buffer }, @Headers('stripe-signature') signature: unknown) {
    let event: Stripe.Event;
    try {
      event = this.verifier.verify(request.rawBody, signature);
    } catch (error) {
      // Refused deliveries (the secret's absence is a 500, not theirs).
      if (error instanceof BadRequestException) this.telemetry.report('eventReceived', 'bad_signature', 0);
      throw error;
    }
    return { received: true, result: await this.events.receive(event, 'webhook') };
  }
}
