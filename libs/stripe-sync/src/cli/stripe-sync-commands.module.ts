import { Module } from '@nestjs/common';
import { EventsCommand, EventsSyncCommand } from './events.command.js';
import { MigrateCommand } from './migrate.command.js';
import { RunsCommand } from './runs.command.js';
import { SyncAllCommand } from './sync-all.command.js';
import { SyncByIdsCommand } from './sync-by-ids.command.js';

/**
 * The operators' commands (nest-commander): `sync-all`, `sync-by-ids`, `runs`, `events sync`, `migrate`. Import it
 * beside `StripeSyncModule` in the module your CLI entry point gives `CommandFactory.run()`. Apart from
 * `StripeSyncModule`, so that apps without nest-commander never load it.
 */
@Module({ providers: [SyncAllCommand, SyncByIdsCommand, RunsCommand, EventsCommand, EventsSyncCommand, MigrateCommand] })
export class StripeSyncCommandsModule {}
