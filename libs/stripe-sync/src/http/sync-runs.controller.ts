import { Controller, DefaultValuePipe, Get, NotFoundException, Param, ParseIntPipe, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { SyncRunStore } from '../persistence/sync-run.store.js';
import { StripeSyncAdminGuard } from './stripe-sync-admin.guard.js';

const MAX_RUNS_LISTED = 100;

/** `GET <routePrefix>/sync-runs[/:id]`: full-sync runs with their progress (admin). */
@Controller()
@UseGuards(StripeSyncAdminGuard)
export class SyncRunsController {
  constructor(private readonly runs: SyncRunStore) {}

  @Get()
  async list(@Query('limit', new DefaultValuePipe(20), ParseIntPipe) limit: number) {
    return { data: await this.runs.list(Math.min(Math.max(limit, 1), MAX_RUNS_LISTED)) };
  }

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const state = await this.runs.get(id);
    if (!state) throw new NotFoundException(`No sync run ${id}`);
    return { ...state.run, slices: state.slices };
  }
}
