import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { type EntityManager, In, type Repository } from 'typeorm';
import { StripeSyncRun, StripeSyncSlice } from './stripe-sync-run.entity.js';

export interface RunState {
  run: StripeSyncRun;
  slices: StripeSyncSlice[];
}

/** Full-sync runs and their slices, so a run survives the process that started it. */
@Injectable()
export class SyncRunStore {
  constructor(
    @InjectRepository(StripeSyncRun) private readonly runs: Repository<StripeSyncRun>,
    @InjectRepository(StripeSyncSlice) private readonly slices: Repository<StripeSyncSlice>,
  ) {}

  /** The latest run of `object` that did not complete (its process died, or it failed), with its slices. */
  async unfinished(object: string): Promise<RunState | null> {
    const run = await this.runs.findOne({ where: { object, status: In(['running', 'failed']) }, order: { startedAt: 'DESC' } });
    return run && { run, slices: await this.slices.findBy({ runId: run.id }) };
  }

  /** The run of `object` marked running, if any (it may belong to another instance). */
  running(object: string): Promise<StripeSyncRun | null> {
    return this.runs.findOne({ where: { object, status: 'running' }, order: { startedAt: 'DESC' } });
  }

  /** A new run with one slice covering every `created` time. */
  async start(object: string): Promise<RunState> {
    const run = this.runs.create({ id: randomUUID(), object, status: 'running', startedAt: new Date(), finishedAt: null, error: null });
    const slice = this.newSlice(run.id, 0, null);
    await this.runs.manager.transaction(async (manager) => {
      await manager.save(run);
      await manager.save(slice);
    });
    return { run, slices: [slice] };
  }

  newSlice(runId: string, createdGte: number, createdLt: number | null): StripeSyncSlice {
    return this.slices.create({ id: randomUUID(), runId, createdGte, createdLt, cursor: null, cursorCreated: null, done: false, objects: 0 });
  }

  /** Saves the run's counters and the slices a page moved, in the page's own transaction. */
  async savePage(manager: EntityManager, run: StripeSyncRun, slices: StripeSyncSlice[]): Promise<void> {
    // Copies: an upsert writes returned values back into the entities it is given, and other pages of the
    // same run keep counting in these objects meanwhile.
    await manager.upsert(StripeSyncRun, { ...run }, ['id']);
    await manager.upsert(StripeSyncSlice, slices.map((slice) => ({ ...slice })), ['id']);
  }

  async save(run: StripeSyncRun): Promise<void> {
    await this.runs.save(run);
  }

  list(limit: number): Promise<StripeSyncRun[]> {
    return this.runs.find({ order: { startedAt: 'DESC' }, take: limit });
  }

  async get(id: string): Promise<RunState | null> {
    const run = await this.runs.findOneBy({ id });
    return run && { run, slices: await this.slices.find({ where: { runId: id }, order: { createdGte: 'DESC' } }) };
  }
}
