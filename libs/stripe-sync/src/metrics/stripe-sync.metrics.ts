import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { Counter, Gauge, Histogram, type Metric, register, type Registry } from 'prom-client';
import type { Repository } from 'typeorm';
import { WHOLE_ACCOUNT } from '../actions/full-sync.service.js';
import { StripeSyncRun } from '../persistence/stripe-sync-run.entity.js';
import { STRIPE_SYNC_METRICS_OPTIONS, type StripeSyncMetricsOptions } from './stripe-sync-metrics.module-definition.js';
import { StripeSyncTelemetry, type StripeSyncTelemetryListener } from './stripe-sync.telemetry.js';

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30];
const RUN_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 14400];
const EVENT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/**
 * The mirror's Prometheus metrics, all `stripe_sync_*`, fed by `StripeSyncTelemetry`. Labels are types, statuses
 * and outcomes only: never an id, a key or an account. Metrics already on the registry (a second app in one
 * process, a test) are reused rather than registered twice.
 */
@Injectable()
export class StripeSyncMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly registry: Registry;
  private unsubscribe: (() => void) | null = null;
  readonly objectsWritten: Counter<'object'>;
  readonly objectsRestored: Counter<'object'>;
  readonly objectsSoftDeleted: Counter<'object'>;
  readonly stripeRequests: Counter<'outcome'>;
  readonly stripeRequestDuration: Histogram<'outcome'>;
  readonly governorWait: Histogram;
  readonly runs: Counter<'object' | 'status'>;
  readonly runDuration: Histogram<'object' | 'status'>;
  readonly events: Counter<'outcome'>;
  readonly eventDuration: Histogram<'outcome'>;
  readonly lastCompletedRunAge: Gauge<'object'>;

  constructor(
    @Inject(STRIPE_SYNC_METRICS_OPTIONS) options: StripeSyncMetricsOptions,
    @InjectRepository(StripeSyncRun) private readonly runRows: Repository<StripeSyncRun>,
    private readonly moduleRef: ModuleRef,
  ) {
    this.registry = options.registry ?? register;
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      this.reuse(name, () => new Counter<L>({ name, help, labelNames, registers: [this.registry] }));
    const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      this.reuse(name, () => new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] }));
    this.objectsWritten = counter(
      'stripe_sync_objects_written_total',
      'Rows written to the mirror (inserted, updated or seen unchanged), by type',
      ['object'],
    );
    this.objectsRestored = counter('stripe_sync_objects_restored_total', 'Soft-deleted rows that Stripe returned again, by type', [
      'object',
    ]);
    this.objectsSoftDeleted = counter(
      'stripe_sync_objects_soft_deleted_total',
      'Rows marked deleted (deletions, sweeps, deauthorized accounts), by type',
      ['object'],
    );
    this.stripeRequests = counter('stripe_sync_stripe_requests_total', 'HTTP requests to Stripe (each attempt), by outcome', ['outcome']);
    this.stripeRequestDuration = histogram(
      'stripe_sync_stripe_request_duration_seconds',
      "Stripe's answer time, by outcome",
      ['outcome'],
      LATENCY_BUCKETS,
    );
    this.governorWait = histogram(
      'stripe_sync_governor_wait_seconds',
      "Time a request waited for its slot in the key's pace",
      [],
      WAIT_BUCKETS,
    );
    this.runs = counter('stripe_sync_runs_total', 'Full syncs of one type (of one account) started, completed or failed', [
      'object',
      'status',
    ]);
    this.runDuration = histogram(
      'stripe_sync_run_duration_seconds',
      'Duration of full syncs of one type, by how they ended',
      ['object', 'status'],
      RUN_BUCKETS,
    );
    this.events = counter('stripe_sync_events_total', 'Stripe events received by webhook or catch-up, by what became of them', ['outcome']);
    this.eventDuration = histogram(
      'stripe_sync_event_duration_seconds',
      'Time to record and apply one event, by outcome',
      ['outcome'],
      EVENT_BUCKETS,
    );
    const rows = this.runRows;
    this.lastCompletedRunAge = this.reuse(
      'stripe_sync_last_completed_run_age_seconds',
      () =>
        new Gauge<'object'>({
          name: 'stripe_sync_last_completed_run_age_seconds',
          help: 'Seconds since the last full sync of each type completed (any account), read from the database when scraped',
          labelNames: ['object'],
          registers: [this.registry],
          async collect() {
            const latest = await rows
              .createQueryBuilder('run')
              .select('run.object', 'object')
              .addSelect('MAX(run.finishedAt)', 'finishedAt')
              .where('run.status = :completed AND run.object <> :whole', { completed: 'completed', whole: WHOLE_ACCOUNT })
              .groupBy('run.object')
              .getRawMany<{ object: string; finishedAt: Date | string }>();
            // Raw values as the driver returns them (SQLite: UTC text): hydrated as the column's.
            const column = rows.metadata.findColumnWithPropertyName('finishedAt')!;
            this.reset();
            for (const { object, finishedAt } of latest) {
              const at = rows.manager.connection.driver.prepareHydratedValue(finishedAt, column) as Date;
              this.set({ object }, Math.max(0, (Date.now() - at.getTime()) / 1000));
            }
          },
        }),
    );
  }

  onModuleInit(): void {
    this.unsubscribe = this.moduleRef.get(StripeSyncTelemetry, { strict: false }).subscribe(this.listener());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private listener(): StripeSyncTelemetryListener {
    return {
      stripeRequest: (outcome, seconds) => {
        this.stripeRequests.inc({ outcome });
        this.stripeRequestDuration.observe({ outcome }, seconds);
      },
      governorWait: (seconds) => this.governorWait.observe(seconds),
      objectsWritten: (object, written, restored) => {
        this.objectsWritten.inc({ object }, written);
        if (restored > 0) this.objectsRestored.inc({ object }, restored);
      },
      objectsSoftDeleted: (object, count) => {
        if (count > 0) this.objectsSoftDeleted.inc({ object }, count);
      },
      runStarted: (object) => this.runs.inc({ object, status: 'started' }),
      runEnded: (object, status, seconds) => {
        this.runs.inc({ object, status });
        this.runDuration.observe({ object, status }, seconds);
      },
      eventReceived: (outcome, seconds) => {
        this.events.inc({ outcome });
        this.eventDuration.observe({ outcome }, seconds);
      },
    };
  }

  private reuse<T extends Metric>(name: string, create: () => T): T {
    return (this.registry.getSingleMetric(name) as T | undefined) ?? create();
  }
}
