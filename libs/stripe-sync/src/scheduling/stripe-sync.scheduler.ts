import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { SyncAlreadyRunningError } from '../actions/stripe-action.errors.js';
import { StripeSyncService } from '../actions/stripe-sync.service.js';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { STRIPE_SYNC_OPTIONS, SYNC_CRON_JOB_NAME } from '../stripe-sync.constants.js';
import { StripeSyncOptionsError } from '../stripe-sync.options.js';
import { describeError } from '../stripe/stripe-errors.js';
import { StripeEventsService } from '../webhooks/stripe-events.service.js';

/**
 * Runs the event catch-up and a full sync of every mirrored type on the `cron` schedule. The job is added to the host app's `SchedulerRegistry` (a cron
 * expression from options cannot go into a `@Cron()` decorator); a tick while a run is going on is skipped.
 */
@Injectable()
export class StripeSyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StripeSyncScheduler.name);
  private job: CronJob | undefined;

  constructor(
    @Inject(STRIPE_SYNC_OPTIONS) private readonly options: ResolvedStripeSyncOptions,
    private readonly mirror: StripeSyncService,
    private readonly events: StripeEventsService,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap() {
    if (this.options.cron === false) return;
    if (!this.registry) {
      throw new StripeSyncOptionsError('cron', 'needs ScheduleModule.forRoot() in the app imports (or set cron: false)');
    }
    this.job = CronJob.from({ cronTime: this.options.cron, onTick: () => this.tick() });
    this.registry.addCronJob(SYNC_CRON_JOB_NAME, this.job);
    this.job.start();
  }

  onApplicationShutdown() {
    if (!this.job) return;
    this.job.stop();
    if (this.registry?.doesExist('cron', SYNC_CRON_JOB_NAME)) this.registry.deleteCronJob(SYNC_CRON_JOB_NAME);
  }

  /** One scheduled run; a full sync still going (here or in another instance) makes it skip with a log line. */
  async tick(): Promise<void> {
    await this.logged('Scheduled event catch-up', () => this.events.syncEvents());
    await this.logged('Scheduled sync', () => this.mirror.syncAll());
  }

  private async logged(what: string, run: () => Promise<object>): Promise<void> {
    try {
      this.logger.log(`${what} done: ${JSON.stringify(await run())}`);
    } catch (error) {
      if (error instanceof SyncAlreadyRunningError) this.logger.log(`${what} skipped: ${error.message}`);
      else this.logger.error(`${what} failed: ${describeError(error)}`);
    }
  }
}
