import { ModuleRef } from '@nestjs/core';
import { Command, CommandRunner, Option } from 'nest-commander';
import { DataSource } from 'typeorm';
import type { StartedSyncAll, SyncAllSummary } from '../actions/stripe-action.interfaces.js';
import { SyncAlreadyRunningError } from '../actions/stripe-action.errors.js';
import { FullSyncService } from '../actions/full-sync.service.js';
import { StripeSyncService } from '../actions/stripe-sync.service.js';
import { print, printError, seconds } from './cli.output.js';
import { SyncRunProgress } from './sync-run.progress.js';

const FOLLOW_POLL_MS = 1_000;

interface SyncAllOptions {
  objects?: string[];
  wait?: boolean;
}

/** `sync-all [--objects customers,subscriptions] [--wait]`: a full sync with its progress, then its summary. */
@Command({ name: 'sync-all', description: 'Full sync of the whole account (or of --objects), resumed if one was left unfinished' })
export class SyncAllCommand extends CommandRunner {
  constructor(private readonly moduleRef: ModuleRef) {
    super();
  }

  @Option({
    flags: '--objects <types>',
    description: 'only these types, comma-separated: customers,subscriptions (or customer,subscription)',
  })
  parseObjects(value: string): string[] {
    return value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
  }

  @Option({ flags: '--wait', description: 'when another instance is running it, follow that run to its end instead of failing' })
  parseWait(): boolean {
    return true;
  }

  async run(_: string[], options: SyncAllOptions = {}): Promise<void> {
    const mirror = this.moduleRef.get(StripeSyncService, { strict: false });
    const progress = (runIds: string[]) => new SyncRunProgress(this.moduleRef.get(DataSource, { strict: false }), runIds);
    let started: StartedSyncAll[];
    try {
      started = await this.start(mirror, options.objects);
    } catch (error) {
      if (!(error instanceof SyncAlreadyRunningError) || !options.wait || !error.runId) throw error;
      print(`Another instance is running it (run ${error.runId}); following it.`);
      const followed = progress([error.runId]);
      followed.start();
      while (!(await followed.ended())) await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
      await followed.stop();
      return;
    }

    const runIds = started.map((run) => run.runId);
    print(`Full sync ${runIds.join(', ')} under way. Ctrl-C stops it; it stays resumable.`);
    const interrupted = { stopping: null as Promise<void> | null };
    process.once('SIGINT', () => {
      print('\nStopping: the pages under way are dropped, what was written stays (Ctrl-C again quits at once).');
      interrupted.stopping = this.moduleRef
        .get(FullSyncService, { strict: false })
        .stop()
        .then(() => {
          print(`Stopped. The run is resumable: run sync-all again (it resumes ${runIds.join(', ')}).`);
          process.exit(130);
        });
    });
    const shown = progress(runIds);
    shown.start();
    const results = await Promise.allSettled(started.map((run) => run.done));
    await shown.stop();
    // The runs ended because they were stopped: the process exits once they have released their leases.
    if (interrupted.stopping) return interrupted.stopping;

    print();
    for (const result of results) {
      if (result.status === 'rejected')
        printError(`Failed: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
      else for (const line of describeSummary(result.value)) print(line);
    }
    if (results.some((result) => result.status === 'rejected')) process.exitCode = 1;
  }

  private async start(mirror: StripeSyncService, objects: string[] | undefined): Promise<StartedSyncAll[]> {
    if (!objects) return [await mirror.startSyncAll()];
    const actions = objects.map((name) => {
      const action = mirror.actions.find((candidate) => candidate.objectName === name || candidate.definition.resource === name);
      if (!action)
        throw new Error(`--objects: ${name} is not a mirrored type (${mirror.actions.map((a) => a.definition.resource).join(', ')})`);
      return action;
    });
    return Promise.all(actions.map((action) => action.startSyncAll()));
  }
}

function describeSummary(summary: SyncAllSummary): string[] {
  const line = (run: SyncAllSummary) =>
    `${run.object}: ${run.seen} objects (${run.inserted} new, ${run.updated} changed, ${run.softDeleted} deleted, ${run.restored} restored), ${run.requests} requests`;
  const accounts = summary.accounts
    ? [`connected accounts: ${summary.accounts.length} (${summary.accounts.filter((account) => !account.completed).length} incomplete)`]
    : [];
  return [...(summary.objects ?? [summary]).map(line), ...accounts, `Done in ${seconds(summary.durationMs)} (run ${summary.runId}).`];
}
