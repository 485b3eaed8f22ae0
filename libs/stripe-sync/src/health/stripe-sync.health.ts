import { Injectable, Logger } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { StripeSyncRun } from '../persistence/stripe-sync-run.entity.js';

/**
 * 2 h 30 min: with the default hourly cron a full sync completes about every hour, so one failed or skipped run
 * keeps the indicator up and a second one turns it down; the half hour leaves time for the run itself.
 */
const DEFAULT_MAX_AGE_SECONDS = 9000;

export interface StripeSyncHealthOptions {
  /** Down when the last completed full sync finished longer ago than this; default 9000 (2 h 30 min). */
  maxAgeSeconds?: number;
}

/**
 * A @nestjs/terminus indicator of the mirror's freshness: when the last full sync completed, and whether one is
 * running. Provided by `StripeSyncHealthModule`.
 */
@Injectable()
export class StripeSyncHealthIndicator {
  private readonly logger = new Logger(StripeSyncHealthIndicator.name);

  constructor(
    private readonly health: HealthIndicatorService,
    @InjectRepository(StripeSyncRun) private readonly runs: Repository<StripeSyncRun>,
  ) {}

  /** Up while the last completed full sync is at most `maxAgeSeconds` old; down if none has completed. */
  async isHealthy(
    key = 'stripeSync',
    { maxAgeSeconds = DEFAULT_MAX_AGE_SECONDS }: StripeSyncHealthOptions = {},
  ): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const runs = await this.latestRuns().catch((error: unknown) => {
      // Health routes are often public: the driver's message goes to the logs only.
      this.logger.error(`Could not read the sync runs: ${String(error)}`);
      return null;
    });
    if (!runs) return indicator.down({ message: 'The sync runs could not be read from the database' });
    const finishedAt = runs.completed?.finishedAt ?? null;
    const ageSeconds = finishedAt === null ? null : Math.floor((Date.now() - finishedAt.getTime()) / 1000);
    const data = {
      lastCompletedAt: finishedAt?.toISOString() ?? null,
      ageSeconds,
      maxAgeSeconds,
      runningRunId: runs.running?.id ?? null,
    };
    if (ageSeconds === null) return indicator.down({ ...data, message: 'No full sync has completed yet' });
    if (ageSeconds > maxAgeSeconds) return indicator.down({ ...data, message: `The last full sync completed ${ageSeconds} s ago` });
    return indicator.up(data);
  }

  private async latestRuns() {
    const completed = await this.runs.findOne({ where: { status: 'completed' }, order: { finishedAt: 'DESC' } });
    const running = await this.runs.findOne({ where: { status: 'running' }, order: { startedAt: 'DESC' } });
    return { completed, running };
  }
}
