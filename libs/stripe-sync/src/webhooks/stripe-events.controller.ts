import { Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { StripeSyncAdminGuard } from '../http/stripe-sync-admin.guard.js';
import { StripeSyncErrorsFilter } from '../http/stripe-sync-errors.filter.js';
import { StripeEventsService } from './stripe-events.service.js';

/** `POST <routePrefix>/events/sync`: applies the events missed while the app was down (admin). */
@Controller()
@UseGuards(StripeSyncAdminGuard)
@UseFilters(StripeSyncErrorsFilter)
export class StripeEventsController {
  constructor(private readonly events: StripeEventsService) {}

  @Post('sync')
  @HttpCode(200)
  sync() {
    return this.events.syncEvents();
  }
}
