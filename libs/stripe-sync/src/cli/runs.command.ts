import { ModuleRef } from '@nestjs/core';
import { Command, CommandRunner, Option } from 'nest-commander';
import { DataSource } from 'typeorm';
import { StripeSyncRun } from '../persistence/stripe-sync-run.entity.js';
import { print, seconds, table } from './cli.output.js';

const DEFAULT_RUNS_SHOWN = 20;

/** `runs [--limit n]`: the latest full-sync runs as a table. */
@Command({ name: 'runs', description: 'The latest full-sync runs' })
export class RunsCommand extends CommandRunner {
  constructor(private readonly moduleRef: ModuleRef) {
    super();
  }

  @Option({ flags: '--limit <n>', description: `how many (default ${DEFAULT_RUNS_SHOWN})` })
  parseLimit(value: string): number {
    const limit = Number(value);
    if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit must be a whole number of 1 or more');
    return limit;
  }

  async run(_: string[], options: { limit?: number } = {}): Promise<void> {
    const runs = await this.moduleRef
      .get(DataSource, { strict: false })
      .getRepository(StripeSyncRun)
      .find({ order: { startedAt: 'DESC' }, take: options.limit ?? DEFAULT_RUNS_SHOWN });
    if (!runs.length) return print('No full sync has run yet.');
    const rows = runs.map((run) => [
      run.id,
      run.object,
      run.account ?? '',
      run.status,
      String(run.seen),
      String(run.inserted),
      String(run.updated),
      String(run.softDeleted),
      String(run.requests),
      run.startedAt.toISOString(),
      run.finishedAt ? seconds(run.finishedAt.getTime() - run.startedAt.getTime()) : '',
    ]);
    print(table(['run', 'object', 'account', 'status', 'seen', 'new', 'changed', 'deleted', 'requests', 'started', 'took'], rows));
  }
}
