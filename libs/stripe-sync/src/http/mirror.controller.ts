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
import { type ListQuery, listQueryOf, pascalCase, syncBatchBodyOf, syncByIdsBodyOf } from './mirror.dto.js';
import {
  AccountQueryDocs,
  AdminDocs,
  ApiDocs,
  describeRows,
  errorSchema,
  pageOf,
  refTo,
  SyncAllDocs,
  syncBatchResultSchema,
  syncByIdsResultSchema,
} from './openapi.js';
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
  const SyncByIdsBody = syncByIdsBodyOf(definition);
  const SyncBatchBody = syncBatchBodyOf(definition);
  const IdPipe = stripeIdPipe(definition.name, definition.idPrefixes);
  const children = (definition.children ?? []).map((child) => ({ field: child.field, entity: describeRows(child.entity) }));
  const Row = describeRows(definition.entity);
  const name = definition.name;
  const idParam = ApiDocs(({ ApiParam }) => [
    ApiParam({ name: 'id', description: `A Stripe ${name} id`, example: `${definition.idPrefixes[0]}_1Nv0FGQ9RKHgCVdK` }),
  ]);
  const notFound = ApiDocs(({ ApiNotFoundResponse }) => [
    ApiNotFoundResponse({ description: `No ${name} with this id in the mirror`, schema: errorSchema }),
  ]);

  @Controller()
  @UseGuards(StripeSyncAdminGuard)
  @UseFilters(StripeSyncErrorsFilter)
  @AdminDocs(`stripe-sync: ${definition.resource}`)
  @ApiDocs(({ ApiExtraModels }) => [ApiExtraModels(Row, ...children.map((child) => child.entity))])
  class MirrorController {
    constructor(@Inject(definition.service) private readonly action: AnyAction) {}

    @Post('sync-all')
    @HttpCode(200)
    @SyncAllDocs(`Full sync of every ${name}, resumable; the sweep soft-deletes those Stripe no longer lists`)
    @AccountQueryDocs('to sync')
    syncAll(
      @WaitQuery() wait: boolean,
      @AccountQuery() account: string | undefined,
      @Res({ passthrough: true }) response: { status(code: number): unknown },
    ) {
      return startedRun(() => this.action.startSyncAll({ account }), wait, response);
    }

    @Post('sync-by-ids')
    @HttpCode(200)
    @ApiDocs(({ ApiOperation, ApiBody, ApiOkResponse }) => [
      ApiOperation({ summary: `Retrieves these ${name}s from Stripe and writes them; those Stripe no longer has are soft-deleted` }),
      ApiBody({ type: SyncByIdsBody }),
      ApiOkResponse({ schema: syncByIdsResultSchema }),
    ])
    @AccountQueryDocs('they belong to')
    syncByIds(@JsonBody(undefined, validated(SyncByIdsBody)) body: { ids: string[] }, @AccountQuery() account: string | undefined) {
      return this.action.syncByIds(body.ids, { account });
    }

    @Post('sync-batch')
    @HttpCode(200)
    @ApiDocs(({ ApiOperation, ApiBody, ApiOkResponse }) => [
      ApiOperation({ summary: `Writes these ${name} objects, as Stripe sent them, unless the mirror has newer ones` }),
      ApiBody({ type: SyncBatchBody }),
      ApiOkResponse({ schema: syncBatchResultSchema }),
    ])
    @AccountQueryDocs('they belong to')
    syncBatch(@JsonBody(undefined, validated(SyncBatchBody)) body: { batch: never[] }, @AccountQuery() account: string | undefined) {
      return this.action.syncBatch(body.batch, { account });
    }

    @Get()
    @ApiDocs(({ ApiOperation, ApiOkResponse }) => [
      ApiOperation({ summary: `The mirrored ${name}s, newest first, without raw` }),
      ApiOkResponse({ schema: pageOf(Row) }),
    ])
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
    @ApiDocs(({ ApiOperation, ApiOkResponse }) => [
      ApiOperation({
        summary: `One mirrored ${name}, with raw${children.length ? ` and its ${children.map((child) => child.field).join(', ')}` : ''}`,
      }),
      ApiOkResponse({
        schema: {
          allOf: [
            refTo(Row),
            {
              type: 'object',
              properties: Object.fromEntries(children.map((child) => [child.field, { type: 'array', items: refTo(child.entity) }])),
            },
          ],
        },
      }),
    ])
    @idParam
    @notFound
    async get(@Param('id', IdPipe) id: string) {
      const row = await this.action.findOne(id);
      const children = await Promise.all(
        (definition.children ?? []).map(
          async (child) => [child.field, (await this.action.findChildren(id, child)).map(withoutRaw)] as const,
        ),
      );
      return { ...(row as object), ...Object.fromEntries(children) };
    }

    @Delete(':id')
    @ApiDocs(({ ApiOperation, ApiOkResponse }) => [
      ApiOperation({ summary: `Marks the ${name} deleted in the mirror (not in Stripe); a later sync that sees it restores it` }),
      ApiOkResponse({ schema: refTo(Row) }),
    ])
    @idParam
    @notFound
    softDelete(@Param('id', IdPipe) id: string) {
      return this.action.softDelete(id);
    }
  }
  Object.defineProperty(MirrorController, 'name', { value: `${pascalCase(definition.resource)}Controller` });
  // The list's query is a class made here, which no parameter type can name: Nest's metadata is set as tsc would emit it.
  Reflect.defineMetadata('design:paramtypes', [ListQueryDto], MirrorController.prototype, 'list');
  return MirrorController;
}

export function withoutRaw<T extends object>(row: T): Omit<T, 'raw'> {
  const { raw: _raw, ...rest } = row as T & { raw?: unknown };
  return rest;
}
