import { ModuleRef } from '@nestjs/core';
import { Command, CommandRunner } from 'nest-commander';
import { DataSource } from 'typeorm';
import { print } from './cli.output.js';

/** `migrate`: runs the migrations the app's DataSource has (the shipped ones: `stripeSyncMigrations(dialect)`). */
@Command({ name: 'migrate', description: "Runs the pending migrations of the app's database, the mirror's among them" })
export class MigrateCommand extends CommandRunner {
  constructor(private readonly moduleRef: ModuleRef) {
    super();
  }

  async run(): Promise<void> {
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (!dataSource.migrations.length)
      throw new Error('The DataSource has no migrations: add stripeSyncMigrations(dialect) to its options');
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) print(`applied  ${migration.name}`);
    print(applied.length ? `${applied.length} migrations applied.` : 'The database is up to date.');
  }
}
