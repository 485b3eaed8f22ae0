import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query, UseFilters, UseGuards } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { SyncRunStore } from '../persistence/sync-run.store.js';
import { validated } from './json-body.decorator.js';
import { StripeSyncAdminGuard } from './stripe-sync-admin.guard.js';
import { StripeSyncErrorsFilter } from './stripe-sync-errors.filter.js';

const DEFAULT_RUNS_LISTED = 20;

class ListRunsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** `GET <routePrefix>/sync-runs[/:id]`: full-sync runs with their progress (admin). */
@Controller()
@UseGuards(StripeSyncAdminGuard)
@UseFilters(StripeSyncErrorsFilter)
export class SyncRunsController {
  constructor(private readonly runs: SyncRunStore) {}

  @Get()
  async list(@Query(validated(ListRunsQuery)) query: ListRunsQuery) {
    return { data: await this.runs.list(query.limit ?? DEFAULT_RUNS_LISTED) };
  }

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const state = await this.runs.get(id);
    if (!state) throw new NotFoundException(`No sync run ${id}`);
    return { ...state.run, slices: state.slices };
  }
}
