import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { type EntityManager, In, IsNull, type Repository } from 'typeorm';
import { MirrorWriter } from './mirror.writer.js';
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
    private readonly writer: MirrorWriter,
  ) {}

  /** The latest run of `object` (for `account`) that did not complete (its process died, or it failed), with its slices. */
  async unfinished(object: string, account: string | null = null): Promise<RunState | null> {
    const run = await this.runs.findOne({
      where: { object, account: account ?? IsNull(), status: In(['running', 'failed']) },
      order: { startedAt: 'DESC' },
    });
    if (!run) return null;
    const slices = await this.slices.findBy({ runId: run.id });
    // The run's row may lag its slices, which commit with their pages.
    addUpSlices(run, slices);
    return { run, slices };
  }

  /** The run of `object` (for `account`) marked running, if any (it may belong to another instance). */
  running(object: string, account: string | null = null): Promise<StripeSyncRun | null> {
    return this.runs.findOne({ where: { object, account: account ?? IsNull(), status: 'running' }, order: { startedAt: 'DESC' } });
  }

  /** The runs of each type that are part of the run `parentRunId`. */
  children(parentRunId: string): Promise<StripeSyncRun[]> {
    return this.runs.findBy({ parentRunId });
  }

  /** A new run of the whole account: the runs of its types come under it. */
  startParent(object: string, account: string | null): Promise<StripeSyncRun> {
    return this.runs.save(this.newRun(object, null, account));
  }

  /** A new run of one type (for `account`) with one slice covering every `created` time. */
  async start(object: string, parentRunId: string | null, account: string | null): Promise<RunState> {
    const run = this.newRun(object, parentRunId, account);
    const slice = this.newSlice(run.id, 0, null);
    await this.writer.transaction(async (manager) => {
      await manager.save(run);
      await manager.save(slice);
    });
    return { run, slices: [slice] };
  }

  private newRun(object: string, parentRunId: string | null, account: string | null): StripeSyncRun {
    return this.runs.create({
      id: randomUUID(),
      object,
      parentRunId,
      account,
      status: 'running',
      startedAt: new Date(),
      finishedAt: null,
      error: null,
    });
  }

  newSlice(runId: string, createdGte: number, createdLt: number | null): StripeSyncSlice {
    return this.slices.create({
      id: randomUUID(),
      runId,
      createdGte,
      createdLt,
      cursor: null,
      cursorCreated: null,
      done: false,
      objects: 0,
      inserted: 0,
      updated: 0,
      restored: 0,
    });
  }

  /**
   * Saves the slices a page moved, in the page's own transaction. The run's row is left out: pages written in
   * parallel would queue on it; `saveTotals` brings it up to date.
   */
  async saveSlices(manager: EntityManager, slices: StripeSyncSlice[]): Promise<void> {
    // Copies: an upsert writes returned values back into the entities it is given.
    await manager.upsert(
      StripeSyncSlice,
      slices.map((slice) => ({ ...slice })),
      ['id'],
    );
  }

  /** Saves the run's totals (not its status). */
  async saveTotals(manager: EntityManager, run: StripeSyncRun): Promise<void> {
    const { seen, inserted, updated, restored, requests } = run;
    await manager.update(StripeSyncRun, { id: run.id }, { seen, inserted, updated, restored, requests });
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

/** Sets the run's totals to the sums over its slices (in memory). */
export function addUpSlices(run: StripeSyncRun, slices: StripeSyncSlice[]): void {
  run.seen = run.inserted = run.updated = run.restored = 0;
  for (const slice of slices) {
    run.seen += slice.objects;
    run.inserted += slice.inserted;
    run.updated += slice.updated;
    run.restored += slice.restored;
  }
}
