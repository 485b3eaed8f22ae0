import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import type { MirrorEntity } from '../persistence/mirror-entity.interface.js';
import { MirrorWriter } from '../persistence/mirror.writer.js';
import type { StripeSyncRun } from '../persistence/stripe-sync-run.entity.js';
import { LeaseLostError, type SyncLease, SyncLeases } from '../persistence/sync-leases.js';
import { type RunState, SyncRunStore } from '../persistence/sync-run.store.js';
import { describeError } from '../stripe/stripe-errors.js';
import { STRIPE_SYNC_OPTIONS } from '../stripe-sync.constants.js';
import { RequestTally } from './stripe-action.service.js';
import { SyncAlreadyRunningError } from './stripe-action.errors.js';
import type { StartedSyncAll, SyncAllSummary } from './stripe-action.interfaces.js';
import { Backfill, type BackfillSource } from './stripe-backfill.js';

/** `object` of a run of the whole account. */
export const WHOLE_ACCOUNT = 'all';

type Source = BackfillSource<MirrorEntity>;

/**
 * The lifecycle of full syncs, the same for every type: the leases that let one instance at a time run a type, the
 * run rows that let a run be resumed, the backfill of each type, the sweep that follows it, and the summary. A run
 * of the whole account runs each type under one run id, parents first, and goes on with the other types when one
 * fails.
 */
@Injectable()
export class FullSyncService {
  private readonly logger = new Logger('StripeSyncFullSync');
  /** Types with a full sync under way in this process, with its run id once it is open. */
  private readonly running = new Map<string, string | undefined>();

  constructor(
    private readonly writer: MirrorWriter,
    private readonly runs: SyncRunStore,
    private readonly leases: SyncLeases,
    @Inject(STRIPE_SYNC_OPTIONS) private readonly options: Pick<ResolvedStripeSyncOptions, 'parallelism'>,
  ) {}

  /** Starts (or resumes) a full sync of one type; answers its run id once it holds the type's lease. */
  start([source]: [Source]): Promise<StartedSyncAll> {
    return this.open([source], source.objectName, async () => {
      const state = (await this.resumed(source.objectName)) ?? (await this.runs.start(source.objectName));
      return { run: state.run, complete: (leases) => this.completeType(source, state, leases[0]) };
    });
  }

  /** Starts (or resumes) one run of every type in `sources`, in that order (parents first). */
  startWholeAccount(sources: Source[]): Promise<StartedSyncAll> {
    return this.open(sources, WHOLE_ACCOUNT, async () => {
      const parent = (await this.resumed(WHOLE_ACCOUNT))?.run ?? (await this.runs.startParent(WHOLE_ACCOUNT));
      return { run: parent, complete: (leases) => this.completeWholeAccount(parent, sources, leases) };
    });
  }

  /** Takes every type's lease (or none), opens the run, and completes it in the background. */
  private async open(
    sources: Source[],
    scope: string,
    openRun: () => Promise<{ run: StripeSyncRun; complete: (leases: SyncLease[]) => Promise<SyncAllSummary> }>,
  ): Promise<StartedSyncAll> {
    const names = sources.map((source) => source.objectName);
    const busy = names.find((name) => this.running.has(name));
    if (busy !== undefined) throw new SyncAlreadyRunningError(scope, this.running.get(busy));
    for (const name of names) this.running.set(name, undefined);
    let leases: SyncLease[] = [];
    // A lease that cannot be released (the database is gone) expires by itself.
    const finish = async () => {
      await Promise.all(leases.map((lease) => lease.release().catch(() => undefined)));
      for (const name of names) this.running.delete(name);
    };
    try {
      leases = await this.acquireAll(names, scope);
      const { run, complete } = await openRun();
      for (const name of names) this.running.set(name, run.id);
      const done = complete(leases).finally(finish);
      done.catch(() => undefined);
      return { runId: run.id, done };
    } catch (error) {
      await finish();
      throw error;
    }
  }

  /** One lease per type, `sync-all:<type>`, so that a run of one type and a run of the account exclude each other. */
  private async acquireAll(names: string[], scope: string): Promise<SyncLease[]> {
    const held: SyncLease[] = [];
    for (const name of names) {
      const lease = await this.leases.acquire(`sync-all:${name}`);
      if (!lease) {
        await Promise.all(held.map((other) => other.release()));
        const running = await this.runs.running(name);
        throw new SyncAlreadyRunningError(scope, running?.parentRunId ?? running?.id);
      }
      held.push(lease);
    }
    return held;
  }

  /** The latest unfinished run of `object`, marked running again. */
  private async resumed(object: string): Promise<RunState | null> {
    const unfinished = await this.runs.unfinished(object);
    if (!unfinished) return null;
    this.logger.log(`Resuming the unfinished full sync ${unfinished.run.id} (${object})`);
    unfinished.run.status = 'running';
    unfinished.run.error = null;
    await this.runs.save(unfinished.run);
    return unfinished;
  }

  private async completeWholeAccount(parent: StripeSyncRun, sources: Source[], leases: SyncLease[]): Promise<SyncAllSummary> {
    const completed = new Map((await this.runs.children(parent.id)).filter((run) => run.status === 'completed').map((run) => [run.object, run]));
    const summaries: SyncAllSummary[] = [];
    let failure: unknown;
    for (const [i, source] of sources.entries()) {
      const done = completed.get(source.objectName);
      if (done) {
        summaries.push(summaryOf(done));
        continue;
      }
      try {
        const state = (await this.resumed(source.objectName)) ?? (await this.runs.start(source.objectName, parent.id));
        state.run.parentRunId = parent.id;
        summaries.push(await this.completeType(source, state, leases[i]));
      } catch (error) {
        // The other types still run: each sweeps only what its own completed run did not see.
        failure ??= error;
        if (error instanceof LeaseLostError) break;
      }
    }
    for (const summary of summaries) addUp(parent, summary);
    if (failure !== undefined) {
      await this.recordFailure(parent, failure, leases);
      throw failure;
    }
    parent.status = 'completed';
    parent.error = null;
    parent.finishedAt = new Date();
    await this.runs.save(parent);
    return { ...summaryOf(parent), objects: summaries };
  }

  private async completeType(source: Source, state: RunState, lease: SyncLease): Promise<SyncAllSummary> {
    const { run } = state;
    const tally = new RequestTally();
    tally.count = run.requests;
    try {
      await new Backfill(source, this.writer, this.runs, state, tally, this.options.parallelism, lease, this.logger).execute();
      run.softDeleted = await this.writer.sweep(source.tables, run.startedAt, new Date(), (manager) => lease.check(manager, { extend: true }));
    } catch (error) {
      await this.recordFailure(run, error, [lease]);
      throw error;
    }
    run.status = 'completed';
    run.error = null;
    run.finishedAt = new Date();
    await this.runs.save(run);
    return summaryOf(run);
  }

  /** Marks the run failed, unless another instance took it over: the run row is then its to write. */
  private async recordFailure(run: StripeSyncRun, error: unknown, leases: SyncLease[]): Promise<void> {
    this.logger.error(`Full sync ${run.id} (${run.object}) stopped after ${run.seen} objects; nothing was soft-deleted: ${describeError(error)}`);
    if (error instanceof LeaseLostError) {
      const takenOver = await Promise.all(leases.map((lease) => lease.takenOver().catch(() => false)));
      if (takenOver.some(Boolean)) return;
    }
    run.status = 'failed';
    run.error = describeError(error);
    await this.runs.save(run).catch(() => undefined);
  }
}

function summaryOf(run: StripeSyncRun): SyncAllSummary {
  const finishedAt = run.finishedAt ?? new Date();
  return {
    runId: run.id,
    object: run.object,
    seen: run.seen,
    inserted: run.inserted,
    updated: run.updated,
    softDeleted: run.softDeleted,
    restored: run.restored,
    requests: run.requests,
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - run.startedAt.getTime(),
  };
}

/** Adds a type's counts to the run of the whole account. */
function addUp(parent: StripeSyncRun, summary: SyncAllSummary): void {
  for (const key of ['seen', 'inserted', 'updated', 'softDeleted', 'restored', 'requests'] as const) parent[key] += summary[key];
}
