import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query, UseFilters, UseGuards } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { StripeSyncRun, StripeSyncSlice } from '../persistence/stripe-sync-run.entity.js';
import { SyncRunStore } from '../persistence/sync-run.store.js';
import { validated } from './json-body.decorator.js';
import { AdminDocs, ApiDocs, describeRows, documented, errorSchema, pageOf, refTo } from './openapi.js';
import { StripeSyncAdminGuard } from './stripe-sync-admin.guard.js';
import { StripeSyncErrorsFilter } from './stripe-sync-errors.filter.js';

const DEFAULT_RUNS_LISTED = 20;

class ListRunsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  @documented({ type: 'integer', minimum: 1, maximum: 100, default: DEFAULT_RUNS_LISTED, required: false })
  limit?: number;
}

/** `GET <routePrefix>/sync-runs[/:id]`: full-sync runs with their progress (admin). */
@Controller()
@UseGuards(StripeSyncAdminGuard)
@UseFilters(StripeSyncErrorsFilter)
@AdminDocs('stripe-sync')
@ApiDocs(({ ApiExtraModels }) => [ApiExtraModels(describeRows(StripeSyncRun), describeRows(StripeSyncSlice))])
export class SyncRunsController {
  constructor(private readonly runs: SyncRunStore) {}

  @Get()
  @ApiDocs(({ ApiOperation, ApiOkResponse }) => [
    ApiOperation({ summary: 'The latest full-sync runs' }),
    ApiOkResponse({ schema: pageOf(StripeSyncRun, false) }),
  ])
  async list(@Query(validated(ListRunsQuery)) query: ListRunsQuery) {
    return { data: await this.runs.list(query.limit ?? DEFAULT_RUNS_LISTED) };
  }

  @Get(':id')
  @ApiDocs(({ ApiOperation, ApiOkResponse, ApiNotFoundResponse }) => [
    ApiOperation({ summary: 'One full-sync run with its slices (the created ranges it is listing)' }),
    ApiOkResponse({
      schema: {
        allOf: [refTo(StripeSyncRun), { type: 'object', properties: { slices: { type: 'array', items: refTo(StripeSyncSlice) } } }],
      },
    }),
    ApiNotFoundResponse({ description: 'No run with this id', schema: errorSchema }),
  ])
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const state = await this.runs.get(id);
    if (!state) throw new NotFoundException(`No sync run ${id}`);
    return { ...state.run, slices: state.slices };
  }
}
