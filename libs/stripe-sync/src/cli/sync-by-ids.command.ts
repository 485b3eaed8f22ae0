import { ModuleRef } from '@nestjs/core';
import { Command, CommandRunner } from 'nest-commander';
import { StripeSyncService } from '../actions/stripe-sync.service.js';
import { print, printError } from './cli.output.js';

/** `sync-by-ids <ids...>`: retrieves these objects (of any mirrored type, told by their prefixes) and writes them. */
@Command({
  name: 'sync-by-ids',
  arguments: '<ids...>',
  description: 'Retrieves these objects from Stripe (any mirrored type) and writes them',
})
export class SyncByIdsCommand extends CommandRunner {
  constructor(private readonly moduleRef: ModuleRef) {
    super();
  }

  async run(ids: string[]): Promise<void> {
    const mirror = this.moduleRef.get(StripeSyncService, { strict: false });
    const actionOf = (id: string) =>
      mirror.actions.find((action) => action.definition.idPrefixes.some((prefix) => id.startsWith(`${prefix}_`)));
    const unknown = ids.filter((id) => !actionOf(id));
    if (unknown.length) {
      printError(`Not the id of a mirrored type: ${unknown.join(', ')}`);
      process.exitCode = 1;
      return;
    }
    let failed = 0;
    for (const action of mirror.actions) {
      const own = ids.filter((id) => actionOf(id) === action);
      if (!own.length) continue;
      const result = await action.syncByIds(own);
      for (const id of result.synced) print(`synced   ${id}`);
      for (const id of result.missing) print(`missing  ${id} (Stripe has no such object: soft-deleted in the mirror, if there)`);
      for (const { id, error } of result.failed) printError(`failed   ${id}: ${error}`);
      failed += result.failed.length;
    }
    if (failed) process.exitCode = 1;
  }
}
