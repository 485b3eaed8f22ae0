import { Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { StripeSyncAdminGuard } from '../http/stripe-sync-admin.guard.js';
import { AdminDocs, ApiDocs, eventsCatchUpSchema } from '../http/openapi.js';
import { StripeSyncErrorsFilter } from '../http/stripe-sync-errors.filter.js';
import { StripeEventsService } from './stripe-events.service.js';

/** `POST <routePrefix>/events/sync`: applies the events missed while the app was down (admin). */
@Controller()
@UseGuards(StripeSyncAdminGuard)
@UseFilters(StripeSyncErrorsFilter)
@AdminDocs('stripe-sync')
export class StripeEventsController {
  constructor(private readonly events: StripeEventsService) {}

  @Post('sync')
  @HttpCode(200)
  @ApiDocs(({ ApiOperation, ApiOkResponse }) => [
    ApiOperation({ summary: "Event catch-up: applies Stripe's events since the last one seen (those webhooks missed)" }),
    ApiOkResponse({ schema: eventsCatchUpSchema }),
  ])
  sync() {
    return this.events.syncEvents();
  }
}
