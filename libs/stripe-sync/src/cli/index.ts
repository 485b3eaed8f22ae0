export { StripeSyncCommandsModule } from './stripe-sync-commands.module.js';
export { SyncAllCommand } from './sync-all.command.js';
export { SyncByIdsCommand } from './sync-by-ids.command.js';
export { RunsCommand } from './runs.command.js';
export { EventsCommand, EventsSyncCommand } from './events.command.js';
export { MigrateCommand } from './migrate.command.js';
