import { ModuleRef } from '@nestjs/core';
import { Command, CommandRunner, SubCommand } from 'nest-commander';
import { StripeEventsService } from '../webhooks/stripe-events.service.js';
import { print } from './cli.output.js';

/** `events sync`: the event catch-up, once. */
@SubCommand({ name: 'sync', description: "Applies Stripe's events since the last one seen (those webhooks missed)" })
export class EventsSyncCommand extends CommandRunner {
  constructor(private readonly moduleRef: ModuleRef) {
    super();
  }

  async run(): Promise<void> {
    const summary = await this.moduleRef.get(StripeEventsService, { strict: false }).syncEvents();
    print(
      `${summary.seen} events seen: ${summary.processed} applied, ${summary.ignored} ignored, ${summary.duplicates} already known; ${summary.requests} requests`,
    );
  }
}

@Command({ name: 'events', description: 'Stripe events', subCommands: [EventsSyncCommand] })
export class EventsCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
