import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { SyncAlreadyRunningError } from '../actions/stripe-action.errors.js';
import { StripeSyncService } from '../actions/stripe-sync.service.js';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { InstanceStoppingError, SyncLeases } from '../persistence/sync-leases.js';
import { CATCH_UP_JOB_NAME, FULL_SYNC_JOB_NAME, STRIPE_SYNC_OPTIONS } from '../stripe-sync.constants.js';
import { StripeSyncOptionsError } from '../stripe-sync.options.js';
import { describeError } from '../stripe/stripe-errors.js';
import { StripeEventsService } from '../webhooks/stripe-events.service.js';

/** The lease that lets one instance at a time run the scheduled catch-up. */
const CATCH_UP_LEASE = 'events-catch-up';

/**
 * The module's two jobs, added to the host app's `SchedulerRegistry` (a cron expression from options cannot go
 * into a `@Cron()` decorator): the event catch-up, often, which with webhooks keeps the mirror current, and the
 * full sync of the whole account, rarely, which corrects what both missed and says how much that was. A tick
 * while its job is still running, here or in another instance, is skipped.
 */
@Injectable()
export class StripeSyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StripeSyncScheduler.name);
  private readonly jobs = new Map<string, CronJob>();

  constructor(
    @Inject(STRIPE_SYNC_OPTIONS) private readonly options: ResolvedStripeSyncOptions,
    private readonly mirror: StripeSyncService,
    private readonly events: StripeEventsService,
    private readonly leases: SyncLeases,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap() {
    const { catchUp, fullSync, timeZone } = this.options.schedule;
    if (catchUp === false && fullSync === false) return;
    if (!this.registry) {
      throw new StripeSyncOptionsError('schedule', 'needs ScheduleModule.forRoot() in the app imports (or set schedule: false)');
    }
    const add = (name: string, cronTime: string, onTick: () => Promise<void>) => {
      const job = CronJob.from({ cronTime, timeZone, onTick, waitForCompletion: true });
      this.registry!.addCronJob(name, job);
      this.jobs.set(name, job);
      job.start();
    };
    if (catchUp !== false) add(CATCH_UP_JOB_NAME, catchUp, () => this.catchUp());
    if (fullSync !== false) add(FULL_SYNC_JOB_NAME, fullSync, () => this.fullSync());
  }

  onApplicationShutdown() {
    for (const [name, job] of this.jobs) {
      void job.stop();
      if (this.registry?.doesExist('cron', name)) this.registry.deleteCronJob(name);
    }
  }

  /** One scheduled catch-up, unless another instance is running one. */
  async catchUp(): Promise<void> {
    await this.logged('Scheduled event catch-up', async () => {
      const lease = await this.leases.acquire(CATCH_UP_LEASE);
      if (!lease) return null;
      try {
        return JSON.stringify(await this.events.syncEvents());
      } finally {
        await lease.release().catch(() => undefined);
      }
    });
  }

  /** One scheduled full sync of the whole account, with what it corrected. */
  async fullSync(): Promise<void> {
    await this.logged('Scheduled full sync', async () => {
      const { runId, seen, inserted, updated, softDeleted, restored, durationMs } = await this.mirror.syncAll();
      const corrected = inserted + updated + softDeleted + restored;
      return (
        `run ${runId}: ${seen} objects in ${Math.round(durationMs / 1000)} s; ${corrected} rows corrected that webhooks and ` +
        `catch-up had missed (${inserted} inserted, ${updated} updated, ${softDeleted} soft-deleted, ${restored} restored)`
      );
    });
  }

  /** Runs a job and logs its outcome; `run` answers null when another instance holds the job. */
  private async logged(what: string, run: () => Promise<string | null>): Promise<void> {
    try {
      const outcome = await run();
      this.logger.log(outcome === null ? `${what} skipped: another instance is running it` : `${what} done: ${outcome}`);
    } catch (error) {
      if (error instanceof SyncAlreadyRunningError) this.logger.log(`${what} skipped: ${error.message}`);
      // A deploy or restart, not a failure: the next tick (or `syncAll()`) resumes a full sync, a catch-up goes on from its cursor.
      else if (error instanceof InstanceStoppingError) this.logger.log(`${what} stopped: ${error.message}`);
      else this.logger.error(`${what} failed: ${describeError(error)}`);
    }
  }
}
