import {
  Body,
  Controller,
  DefaultValuePipe,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseBoolPipe,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { SubscriptionActionService } from '../actions/subscription-action.service.js';
import type { SubscriptionPayload } from '../actions/subscription.mapper.js';
import { StripeSyncAdminGuard } from './stripe-sync-admin.guard.js';
import { StripeSyncErrorsFilter } from './stripe-sync-errors.filter.js';
import { SubscriptionIdPipe } from './stripe-id.pipe.js';
import { ListSubscriptionsQuery, SyncBatchBody, SyncByIdsBody } from './subscriptions.dto.js';

const DEFAULT_PAGE_SIZE = 10;

/** Admin routes over the subscription mirror, mounted at `<routePrefix>/subscriptions`. */
@Controller()
@UseGuards(StripeSyncAdminGuard)
@UseFilters(StripeSyncErrorsFilter)
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionActionService) {}

  /** Waits for the run and answers its summary; with `?wait=false`, answers 202 with the run id at once. */
  @Post('sync-all')
  @HttpCode(200)
  async syncAll(@Query('wait', new DefaultValuePipe(true), ParseBoolPipe) wait: boolean, @Res({ passthrough: true }) response: { status(code: number): unknown }) {
    const started = await this.subscriptions.startSyncAll();
    if (wait) return started.done;
    response.status(202);
    return { runId: started.runId };
  }

  @Post('sync-by-ids')
  @HttpCode(200)
  syncByIds(@Body() body: SyncByIdsBody) {
    return this.subscriptions.syncByIds(body.ids);
  }

  @Post('sync-batch')
  @HttpCode(200)
  syncBatch(@Body() body: SyncBatchBody) {
    return this.subscriptions.syncBatch(body.batch as unknown as SubscriptionPayload[]);
  }

  @Get()
  async list(@Query() query: ListSubscriptionsQuery) {
    const page = await this.subscriptions.list(
      { status: query.status, customerId: query.customer },
      { limit: query.limit ?? DEFAULT_PAGE_SIZE, startingAfter: query.startingAfter, includeDeleted: query.includeDeleted ?? false },
    );
    return { data: page.data.map(withoutRaw), hasMore: page.hasMore };
  }

  @Get(':id')
  async get(@Param('id', SubscriptionIdPipe) id: string) {
    const [subscription, items] = await Promise.all([this.subscriptions.findOne(id), this.subscriptions.findItems(id)]);
    return { ...subscription, items: items.map(withoutRaw) };
  }

  @Delete(':id')
  softDelete(@Param('id', SubscriptionIdPipe) id: string) {
    return this.subscriptions.softDelete(id);
  }
}

function withoutRaw<T extends { raw: unknown }>({ raw: _raw, ...rest }: T): Omit<T, 'raw'> {
  return rest;
}
