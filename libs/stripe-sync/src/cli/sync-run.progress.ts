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

  /** Each type's totals over the followed runs (and their accounts' runs), in two grouped queries. */
  private async types(): Promise<TypeProgress[]> {
    const runsOf = (alias: string) =>
      this.dataSource
        .getRepository(StripeSyncRun)
        .createQueryBuilder(alias)
        .where(`(${alias}.id IN (:...ids) OR ${alias}.parentRunId IN (:...ids)) AND ${alias}.object != 'all'`, { ids: this.runIds })
        .select(`${alias}.object`, 'object')
        .groupBy(`${alias}.object`);
    const [totals, slices] = await Promise.all([
      runsOf('run')
        .addSelect('SUM(run.seen)', 'seen')
        .addSelect('SUM(run.requests)', 'requests')
        .addSelect('MIN(run.startedAt)', 'startedAt')
        .orderBy('MIN(run.startedAt)')
        .getRawMany<{ object: string; seen: string; requests: string }>(),
      runsOf('sliced')
        .innerJoin(StripeSyncSlice, 'slice', 'slice.runId = sliced.id')
        .addSelect('COUNT(*)', 'slices')
        .addSelect('SUM(CASE WHEN slice.done THEN 1 ELSE 0 END)', 'done')
        .getRawMany<{ object: string; slices: string; done: string }>(),
    ]);
    return totals.map(({ object, seen, requests }) => {
      const own = slices.find((row) => row.object === object);
      return {
        object,
        seen: Number(seen),
        requests: Number(requests),
        slices: Number(own?.slices ?? 0),
        slicesDone: Number(own?.done ?? 0),
      };
    });
  }
}
