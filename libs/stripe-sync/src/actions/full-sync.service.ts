import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import pLimit from 'p-limit';
import type { MirrorEntity } from '../persistence/mirror-entity.interface.js';
import { MirrorWriter } from '../persistence/mirror.writer.js';
import type { StripeSyncRun } from '../persistence/stripe-sync-run.entity.js';
import { InstanceStoppingError, LeaseLostError, type SyncLease, SyncLeases } from '../persistence/sync-leases.js';
import { type RunState, SyncRunStore } from '../persistence/sync-run.store.js';
import { describeError } from '../stripe/stripe-errors.js';
import { StripeSyncTelemetry } from '../metrics/stripe-sync.telemetry.js';
import { PageBudget } from '../stripe/stripe-page-budget.js';
import { RequestTally } from './stripe-action.service.js';
import { SyncAlreadyRunningError } from './stripe-action.errors.js';
import type { AccountSyncSummary, StartedSyncAll, SyncAllSummary } from './stripe-action.interfaces.js';
import { Backfill, type BackfillSource } from './stripe-backfill.js';

/** `object` of a run of the whole account. */
export const WHOLE_ACCOUNT = 'all';

/**
 * Connected accounts synced at once in a run of the whole account, each with all its types at once: with many
 * small accounts, their latency, not the pace, would otherwise set the speed. Their pages share the page budget.
 */
const ACCOUNTS_AT_ONCE = 32;

type Source = BackfillSource<MirrorEntity>;

/** The types of one connected account. */
export interface AccountSources {
  account: string;
  sources: Source[];
}

/** The connected accounts a run of the whole account goes on to. */
export interface ConnectedAccounts {
  /** The platform's type whose run lists them: they start once it is done, beside the platform's other types. */
  listedBy: string;
  sources(): Promise<AccountSources[]>;
}

/**
 * The lifecycle of full syncs, the same for every type: the leases that let one instance at a time run a type for
 * an account, the run rows that let a run be resumed, the backfill of each type, the sweep that follows it, and the
 * summary. A run of the whole account runs the platform's types under one run id, all at once (the mirror has no
 * foreign keys: a row may come before its parent's), and the connected accounts' types, many accounts at once,
 * all sharing the page budget; it goes on with the other types and accounts when one fails.
 */
@Injectable()
export class FullSyncService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('StripeSyncFullSync');
  /** Leases of full syncs under way in this process, with their run ids once they are open. */
  private readonly running = new Map<string, string | undefined>();
  /** The ends of the runs under way in this process. */
  private readonly underWay = new Set<Promise<unknown>>();

  constructor(
    private readonly writer: MirrorWriter,
    private readonly runs: SyncRunStore,
    private readonly leases: SyncLeases,
    private readonly budget: PageBudget,
    private readonly telemetry: StripeSyncTelemetry,
  ) {}

  /** Starts (or resumes) a full sync of one type for one account; answers its run id once it holds the lease. */
  start(source: Source): Promise<StartedSyncAll> {
    return this.open([source], source.objectName, async () => {
      const state = await this.stateOf(source, null);
      return { run: state.run, complete: ([lease]) => this.completeType(source, state, lease) };
    });
  }

  /**
   * Starts (or resumes) one run of every type in `platform` and of the `connected` accounts. With `account`, the
   * run is one connected account's, and `platform` its types.
   */
  startWholeAccount(
    platform: Source[],
    connected: ConnectedAccounts | null = null,
    account: string | null = null,
  ): Promise<StartedSyncAll> {
    return this.open(platform, WHOLE_ACCOUNT, async () => {
      const parent = (await this.resumed(WHOLE_ACCOUNT, account))?.run ?? (await this.runs.startParent(WHOLE_ACCOUNT, account));
      return { run: parent, complete: (leases) => this.completeWholeAccount(parent, platform, leases, connected) };
    });
  }

  /**
   * Stops the full syncs under way in this process and waits for them to end: the pages under way are dropped, what
   * was written stays, and each run is left failed and resumable with its leases released, so that the next run (of
   * any instance) resumes it at once.
   */
  async stop(): Promise<void> {
    this.leases.stop();
    await Promise.allSettled(this.underWay);
  }

  /** Before the database connections close. */
  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /** Takes the lease of every source (or none), opens the run, and completes it in the background. */
  private async open(
    sources: Source[],
    scope: string,
    openRun: () => Promise<{ run: StripeSyncRun; complete: (leases: SyncLease[]) => Promise<SyncAllSummary> }>,
  ): Promise<StartedSyncAll> {
    const names = sources.map(leaseName);
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
      leases = await this.acquireAll(sources, scope);
      const { run, complete } = await openRun();
      for (const name of names) this.running.set(name, run.id);
      const done = complete(leases).finally(finish);
      this.underWay.add(done);
      done.catch(() => undefined).finally(() => this.underWay.delete(done));
      return { runId: run.id, done };
    } catch (error) {
      await finish();
      throw error;
    }
  }

  /** One lease per type and account, so that a run of one type and a run of the whole account exclude each other. */
  private async acquireAll(sources: Source[], scope: string): Promise<SyncLease[]> {
    const held: SyncLease[] = [];
    for (const source of sources) {
      const lease = await this.leases.acquire(leaseName(source));
      if (!lease) {
        await Promise.all(held.map((other) => other.release()));
        const running = await this.runs.running(source.objectName, source.runAccount);
        throw new SyncAlreadyRunningError(scope, running?.parentRunId ?? running?.id);
      }
      held.push(lease);
    }
    return held;
  }

  /** The unfinished run of the source's type and account, resumed, or a new one. */
  private async stateOf(source: Source, parentRunId: string | null): Promise<RunState> {
    const state =
      (await this.resumed(source.objectName, source.runAccount)) ??
      (await this.runs.start(source.objectName, parentRunId, source.runAccount));
    if (parentRunId) state.run.parentRunId = parentRunId;
    return state;
  }

  /** The latest unfinished run of `object` for `account`, marked running again. */
  private async resumed(object: string, account: string | null): Promise<RunState | null> {
    const unfinished = await this.runs.unfinished(object, account);
    if (!unfinished) return null;
    this.logger.log(`Resuming the unfinished full sync ${unfinished.run.id} (${object}${account ? ` of ${account}` : ''})`);
    unfinished.run.status = 'running';
    unfinished.run.error = null;
    await this.runs.save(unfinished.run);
    return unfinished;
  }

  private async completeWholeAccount(
    parent: StripeSyncRun,
    platform: Source[],
    leases: SyncLease[],
    connected: ConnectedAccounts | null,
  ): Promise<SyncAllSummary> {
    const completed = new Map(
      (await this.runs.children(parent.id))
        .filter((run) => run.status === 'completed')
        .map((run) => [`${run.object}:${run.account ?? ''}`, run]),
    );
    let failure: unknown;
    // The other types and accounts still run: each sweeps only what its own completed run did not see.
    const runType = async (source: Source, lease: SyncLease | null): Promise<SyncAllSummary | null> => {
      const done = completed.get(`${source.objectName}:${source.runAccount ?? ''}`);
      if (done) return summaryOf(done);
      try {
        const held = lease ?? (await this.leases.acquire(leaseName(source)));
        if (!held) throw new SyncAlreadyRunningError(source.objectName);
        try {
          return await this.completeType(source, await this.stateOf(source, parent.id), held);
        } finally {
          if (!lease) await held.release().catch(() => undefined);
        }
      } catch (error) {
        failure ??= error;
        return null;
      }
    };

    const runAccount = async ({ account, sources }: AccountSources): Promise<AccountSyncSummary> => {
      const runs = await Promise.all(sources.map((source) => runType(source, null)));
      return accountSummary(
        account,
        runs.filter((run) => run !== null),
        sources.length,
      );
    };
    let accounts: AccountSources[] = [];
    const connectedDone = async (): Promise<AccountSyncSummary[]> => {
      if (failure instanceof LeaseLostError) return [];
      accounts = await connected!.sources().catch((error: unknown) => ((failure ??= error), []));
      return pLimit(ACCOUNTS_AT_ONCE).map(accounts, runAccount);
    };
    const listed = platform.some((source) => source.objectName === connected?.listedBy);
    let perAccount: Promise<AccountSyncSummary[]> = connected && !listed ? connectedDone() : Promise.resolve([]);
    const platformRuns = await Promise.all(
      platform.map(async (source, i) => {
        const summary = await runType(source, leases[i]);
        if (source.objectName === connected?.listedBy) perAccount = connectedDone();
        return summary;
      }),
    );
    const summaries = platformRuns.filter((summary) => summary !== null);
    const accountSummaries = await perAccount;

    for (const summary of [...summaries, ...accountSummaries]) addUp(parent, summary);
    if (failure !== undefined) {
      await this.recordFailure(parent, failure, leases);
      throw failure;
    }
    parent.status = 'completed';
    parent.error = null;
    parent.finishedAt = new Date();
    await this.runs.save(parent);
    return { ...summaryOf(parent), objects: summaries, ...(accounts.length > 0 && { accounts: accountSummaries }) };
  }

  private async completeType(source: Source, state: RunState, lease: SyncLease): Promise<SyncAllSummary> {
    const { run } = state;
    const tally = new RequestTally();
    tally.count = run.requests;
    const startedAt = performance.now();
    const ended = (status: 'completed' | 'failed') =>
      this.telemetry.report('runEnded', source.objectName, status, (performance.now() - startedAt) / 1000);
    this.telemetry.report('runStarted', source.objectName);
    try {
      await new Backfill(source, this.writer, this.runs, state, tally, this.budget, lease, this.logger).execute();
      run.softDeleted = await this.writer.sweep(source.tables, run.startedAt, new Date(), source.sweeps, (manager) =>
        lease.check(manager, { extend: true }),
      );
    } catch (error) {
      ended('failed');
      await this.recordFailure(run, error, [lease]);
      throw error;
    }
    ended('completed');
    run.status = 'completed';
    run.error = null;
    run.finishedAt = new Date();
    await this.runs.save(run);
    return summaryOf(run);
  }

  /** Marks the run failed, unless another instance took it over: the run row is then its to write. */
  private async recordFailure(run: StripeSyncRun, error: unknown, leases: SyncLease[]): Promise<void> {
    if (error instanceof InstanceStoppingError) {
      // This instance still holds the leases: nobody else can have taken the run over.
      this.logger.log(`Full sync ${run.id} (${run.object}) stopped after ${run.seen} objects, as this instance is stopping; resumable`);
    } else {
      this.logger.error(
        `Full sync ${run.id} (${run.object}) stopped after ${run.seen} objects; nothing was soft-deleted: ${describeError(error)}`,
      );
      if (error instanceof LeaseLostError) {
        const takenOver = await Promise.all(leases.map((lease) => lease.takenOver().catch(() => false)));
        if (takenOver.some(Boolean)) return;
      }
    }
    run.status = 'failed';
    run.error = describeError(error);
    await this.runs.save(run).catch(() => undefined);
  }
}

/** `sync-all:<type>` for the platform, `sync-all:<type>:<account>` for a connected account. */
function leaseName(source: Source): string {
  return `sync-all:${source.objectName}${source.runAccount ? `:${source.runAccount}` : ''}`;
}

function summaryOf(run: StripeSyncRun): SyncAllSummary {
  const finishedAt = run.finishedAt ?? new Date();
  return {
    runId: run.id,
    object: run.object,
    ...(run.account && { account: run.account }),
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

const COUNTS = ['seen', 'inserted', 'updated', 'softDeleted', 'restored', 'requests'] as const;

/** Adds a type's (or an account's) counts to the run of the whole account. */
function addUp(parent: StripeSyncRun, summary: Pick<SyncAllSummary, (typeof COUNTS)[number]>): void {
  for (const key of COUNTS) parent[key] += summary[key];
}

function accountSummary(account: string, runs: SyncAllSummary[], types: number): AccountSyncSummary {
  const summary: AccountSyncSummary = {
    account,
    completed: runs.length === types,
    seen: 0,
    inserted: 0,
    updated: 0,
    softDeleted: 0,
    restored: 0,
    requests: 0,
  };
  for (const run of runs) for (const key of COUNTS) summary[key] += run[key];
  return summary;
}
