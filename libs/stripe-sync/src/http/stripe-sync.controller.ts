import { Controller, Get, HttpCode, Param, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { StripeMirrorQuery } from '../actions/stripe-mirror-query.service.js';
import { StripeSyncService } from '../actions/stripe-sync.service.js';
import { startedRun, WaitQuery } from './mirror.controller.js';
import { AdminDocs, ApiDocs, customerSubscriptionsSchema, SyncAllDocs } from './openapi.js';
import { StripeSyncAdminGuard } from './stripe-sync-admin.guard.js';
import { StripeSyncErrorsFilter } from './stripe-sync-errors.filter.js';
import { stripeIdPipe } from './stripe-id.pipe.js';

/** Routes over the whole mirror, mounted at `<routePrefix>`: a full sync of every type, and questions across types. */
@Controller()
@UseGuards(StripeSyncAdminGuard)
@UseFilters(StripeSyncErrorsFilter)
@AdminDocs('stripe-sync')
export class StripeSyncController {
  constructor(
    private readonly mirror: StripeSyncService,
    private readonly query: StripeMirrorQuery,
  ) {}

  /** One run of every mirrored type under one run id; `?wait=false` answers 202 with it at once. */
  @Post('sync-all')
  @HttpCode(200)
  @SyncAllDocs('Full sync of every mirrored type (and connected account) under one run id, parents first')
  syncAll(@WaitQuery() wait: boolean, @Res({ passthrough: true }) response: { status(code: number): unknown }) {
    return startedRun(() => this.mirror.startSyncAll(), wait, response);
  }

  /** One run of every type of one connected account; `?wait=false` answers 202 with its run id at once. */
  @Post('accounts/:id/sync-all')
  @HttpCode(200)
  @SyncAllDocs('Full sync of every type of one connected account')
  @ApiDocs(({ ApiParam }) => [ApiParam({ name: 'id', description: 'A connected account id', example: 'acct_1Nv0FGQ9RKHgCVdK' })])
  syncAccount(
    @Param('id', stripeIdPipe('account', ['acct'])) account: string,
    @WaitQuery() wait: boolean,
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ) {
    return startedRun(() => this.mirror.startAccountSyncAll(account), wait, response);
  }

  /** The customer's subscriptions, with their items' prices and products, from the mirror alone. */
  @Get('customers/:id/subscriptions')
  @ApiDocs(({ ApiOperation, ApiParam, ApiOkResponse }) => [
    ApiOperation({
      summary: "The customer's subscriptions that are not soft-deleted, with their items' prices and products, from the mirror alone",
    }),
    ApiParam({ name: 'id', description: 'A Stripe customer id', example: 'cus_QFB45m3fHFqpsN' }),
    ApiOkResponse({ schema: customerSubscriptionsSchema }),
  ])
  async customerSubscriptions(@Param('id', stripeIdPipe('customer', ['cus'])) id: string) {
    return { data: await this.query.customerSubscriptions(id) };
  }
}
