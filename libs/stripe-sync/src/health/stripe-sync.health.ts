import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { StripeSyncService } from '../actions/stripe-sync.service.js';
import { StripeSyncRun } from '../persistence/stripe-sync-run.entity.js';

/**
 * 49 h: with the default daily full sync, one failed or skipped run keeps the indicator up and a second one turns
 * it down; the hour leaves time for the run itself.
 */
const DEFAULT_MAX_AGE_SECONDS = 49 * 3600;

export interface StripeSyncHealthOptions {
  /** Down when the last completed full sync of a mirrored type finished longer ago than this; default 176400 (49 h). */
  maxAgeSeconds?: number;
}

/**
 * A @nestjs/terminus indicator of the mirror's freshness: when each mirrored type last completed a full sync (on
 * its own or in a run of the whole account), and which run is going on. Provided by `StripeSyncHealthModule`.
 */
@Injectable()
export class StripeSyncHealthIndicator {
  private readonly logger = new Logger(StripeSyncHealthIndicator.name);

  constructor(
    private readonly health: HealthIndicatorService,
    @InjectRepository(StripeSyncRun) private readonly runs: Repository<StripeSyncRun>,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Up while every mirrored type completed a full sync at most `maxAgeSeconds` ago; down if one never did. */
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
    const objects = Object.fromEntries(runs.completed.map(([type, run]) => [type, run?.finishedAt?.toISOString() ?? null]));
    const never = runs.completed.filter(([, run]) => !run).map(([type]) => type);
    // The type whose last full sync is the oldest says how stale the mirror is.
    const oldest = runs.completed.map(([, run]) => run?.finishedAt ?? null).reduce<Date | null>((a, b) => (a && b && a < b ? a : b), null);
    const ageSeconds = oldest === null || never.length > 0 ? null : Math.floor((Date.now() - oldest.getTime()) / 1000);
    const data = {
      lastCompletedAt: never.length > 0 ? null : (oldest?.toISOString() ?? null),
      ageSeconds,
      maxAgeSeconds,
      runningRunId: runs.running?.parentRunId ?? runs.running?.id ?? null,
      objects,
    };
    if (ageSeconds === null)
      return indicator.down({ ...data, message: `No full sync has completed yet${never.length ? ` (${never.join(', ')})` : ''}` });
    if (ageSeconds > maxAgeSeconds) return indicator.down({ ...data, message: `The last full sync completed ${ageSeconds} s ago` });
    return indicator.up(data);
  }

  /** The mirrored types, from the module when it is in the app; else those that ever ran. */
  private async mirroredTypes(): Promise<string[]> {
    const mirror = this.mirror();
    if (mirror) return mirror.actions.map((action) => action.objectName);
    const objects = await this.runs
      .createQueryBuilder('run')
      .select('DISTINCT run.object', 'object')
      .where("run.object <> 'all'")
      .getRawMany<{ object: string }>();
    return objects.map((row) => row.object);
  }

  private mirror(): StripeSyncService | null {
    try {
      return this.moduleRef.get(StripeSyncService, { strict: false });
    } catch {
      return null;
    }
  }

  private async latestRuns() {
    const types = await this.mirroredTypes();
    const completed = await Promise.all(
      types.map(
        async (type) =>
          [type, await this.runs.findOne({ where: { object: type, status: 'completed' }, order: { finishedAt: 'DESC' } })] as const,
      ),
    );
    const running = await this.runs.findOne({ where: { status: 'running' }, order: { startedAt: 'DESC' } });
    return { completed, running };
  }
}
