import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { type DataSource, In } from 'typeorm';
import { StripeSyncRun, StripeSyncSlice } from '../persistence/stripe-sync-run.entity.js';
import { isTerminal, print } from './cli.output.js';

const TERMINAL_REFRESH_MS = 500;
const PLAIN_REFRESH_MS = 5_000;

/** Where one type stands in a run: summed over its accounts' runs. */
interface TypeProgress {
  object: string;
  seen: number;
  requests: number;
  slices: number;
  slicesDone: number;
}

/**
 * Shows the progress of full-sync runs as the database has it (so a run of another instance shows too): a bar per
 * type on a terminal (objects, rate, requests, slices done and the time left by them), a line per type every few
 * seconds otherwise.
 */
export class SyncRunProgress {
  private readonly bars = new Map<string, SingleBar>();
  private readonly multibar = isTerminal()
    ? new MultiBar(
        {
          format: ' {object} |{bar}| {value}/{total} slices | {seen} objects | {rate}/s | {requests} requests | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 20,
        },
        Presets.shades_classic,
      )
    : null;
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt = performance.now();

  constructor(
    private readonly dataSource: DataSource,
    private readonly runIds: string[],
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.multibar ? TERMINAL_REFRESH_MS : PLAIN_REFRESH_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.refresh();
    this.multibar?.stop();
  }

  /** Whether every followed run has ended (for a run of another instance, which this process cannot await). */
  async ended(): Promise<boolean> {
    const runs = await this.dataSource.getRepository(StripeSyncRun).findBy({ id: In(this.runIds) });
    return runs.length === this.runIds.length && runs.every((run) => run.status !== 'running');
  }

  private async refresh(): Promise<void> {
    const types = await this.types();
    const elapsed = (performance.now() - this.startedAt) / 1000;
    for (const type of types) {
      const payload = { object: type.object.padEnd(16), seen: type.seen, requests: type.requests, rate: Math.round(type.seen / elapsed) };
      if (!this.multibar) {
        print(`${type.object}: ${type.seen} objects, ${type.requests} requests, ${type.slicesDone}/${type.slices} slices done`);
        continue;
      }
      const bar = this.bars.get(type.object) ?? this.bars.set(type.object, this.multibar.create(type.slices, 0, payload)).get(type.object)!;
      bar.setTotal(Math.max(type.slices, 1));
      bar.update(type.slicesDone, payload);
    }
  }

  private async types(): Promise<TypeProgress[]> {
    const runs = await this.dataSource
      .getRepository(StripeSyncRun)
      .find({ where: [{ id: In(this.runIds) }, { parentRunId: In(this.runIds) }], order: { startedAt: 'ASC' } });
    const typeRuns = runs.filter((run) => run.object !== 'all');
    const slices = typeRuns.length
      ? await this.dataSource
          .getRepository(StripeSyncSlice)
          .find({ where: { runId: In(typeRuns.map((run) => run.id)) }, select: { runId: true, done: true } })
      : [];
    const byType = new Map<string, TypeProgress>();
    for (const run of typeRuns) {
      const type = byType.get(run.object) ?? { object: run.object, seen: 0, requests: 0, slices: 0, slicesDone: 0 };
      const own = slices.filter((slice) => slice.runId === run.id);
      type.seen += run.seen;
      type.requests += run.requests;
      type.slices += own.length;
      type.slicesDone += own.filter((slice) => slice.done).length;
      byType.set(run.object, type);
    }
    return [...byType.values()];
  }
}
