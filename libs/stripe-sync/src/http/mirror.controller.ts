import {
  Controller,
  DefaultValuePipe,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseBoolPipe,
  Post,
  Query,
  Res,
  type Type,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { StripeActionService } from '../actions/stripe-action.service.js';
import type { MirroredObjectDefinition } from '../objects/mirrored-object.js';
import { JsonBody, validated } from './json-body.decorator.js';
import { type ListQuery, listQueryOf, syncBatchBodyOf, syncByIdsBodyOf } from './mirror.dto.js';
import { StripeSyncAdminGuard } from './stripe-sync-admin.guard.js';
import { StripeSyncErrorsFilter } from './stripe-sync-errors.filter.js';
import { AccountPipe, stripeIdPipe } from './stripe-id.pipe.js';
import { filtersOf } from './mirror.dto.js';

const DEFAULT_PAGE_SIZE = 10;

type AnyAction = StripeActionService<never, never>;

/** `POST …/sync-all` answers the summary, or with `?wait=false` 202 and the run id at once. */
export async function startedRun(
  start: () => Promise<{ runId: string; done: Promise<unknown> }>,
  wait: boolean,
  response: { status(code: number): unknown },
) {
  const started = await start();
  if (wait) return started.done;
  response.status(202);
  return { runId: started.runId };
}

export const WaitQuery = () => Query('wait', new DefaultValuePipe(true), ParseBoolPipe);

/** `?account=acct_…`: the connected account a sync is for; absent, the platform's own objects. */
export const AccountQuery = () => Query('account', new AccountPipe());

/**
 * The admin routes of one mirrored type, mounted at `<routePrefix>/<resource>`: full sync, sync by ids, sync of
 * given objects, list, show and soft delete. Made from the type's declaration.
 */
export function mirrorControllerOf(definition: MirroredObjectDefinition): Type {
  const ListQueryDto = listQueryOf(definition);
  const IdPipe = stripeIdPipe(definition.name, definition.idPrefixes);

  @Controller()
  @UseGuards(StripeSyncAdminGuard)
  @UseFilters(StripeSyncErrorsFilter)
  class MirrorController {
    constructor(@Inject(definition.service) private readonly action: AnyAction) {}

    @Post('sync-all')
    @HttpCode(200)
    syncAll(
      @WaitQuery() wait: boolean,
      @AccountQuery() account: string | undefined,
      @Res({ passthrough: true }) response: { status(code: number): unknown },
    ) {
      return startedRun(() => this.action.startSyncAll({ account }), wait, response);
    }

    @Post('sync-by-ids')
    @HttpCode(200)
    syncByIds(@JsonBody(undefined, validated(syncByIdsBodyOf(definition))) body: { ids: string[] }, @AccountQuery() account: string | undefined) {
      return this.action.syncByIds(body.ids, { account });
    }

    @Post('sync-batch')
    @HttpCode(200)
    syncBatch(@JsonBody(undefined, validated(syncBatchBodyOf(definition))) body: { batch: never[] }, @AccountQuery() account: string | undefined) {
      return this.action.syncBatch(body.batch, { account });
    }

    @Get()
    async list(@Query(validated(ListQueryDto)) query: ListQuery) {
      const filters = Object.fromEntries(Object.entries(filtersOf(definition)).map(([name, filter]) => [filter.property, query[name]]));
      const page = await this.action.list(filters, {
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
        startingAfter: query.startingAfter,
        includeDeleted: query.includeDeleted ?? false,
      });
      return { data: page.data.map(withoutRaw), hasMore: page.hasMore };
    }

    /** The row with its `raw`, and its current children without theirs. */
    @Get(':id')
    async get(@Param('id', IdPipe) id: string) {
      const row = await this.action.findOne(id);
      const children = await Promise.all((definition.children ?? []).map(async (child) => [child.field, (await this.action.findChildren(id, child)).map(withoutRaw)]));
      return { ...(row as object), ...Object.fromEntries(children) };
    }

    @Delete(':id')
    softDelete(@Param('id', IdPipe) id: string) {
      return this.action.softDelete(id);
    }
  }
  Object.defineProperty(MirrorController, 'name', { value: `${pascalCase(definition.resource)}Controller` });
  return MirrorController;
}

export function withoutRaw<T extends object>(row: T): Omit<T, 'raw'> {
  const { raw: _raw, ...rest } = row as T & { raw?: unknown };
  return rest;
}

function pascalCase(resource: string): string {
  return resource.replace(/(^|-)([a-z])/g, (_, _dash, letter: string) => letter.toUpperCase());
}
