import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type Stripe from 'stripe';
import { eventTypeMatches, STRIPE_EVENT_HANDLER } from './on-stripe-event.decorator.js';

interface Handler {
  name: string;
  types: string[];
  call: (event: Stripe.Event, row: unknown, account: string | null) => unknown;
}

/** Finds the host app's @OnStripeEvent methods at start-up and runs them; a failing one does not stop the rest. */
@Injectable()
export class StripeEventHandlers implements OnModuleInit {
  private readonly logger = new Logger('StripeEventHandlers');
  private handlers: Handler[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit() {
    this.handlers = this.discovery.getProviders().flatMap(({ instance }) => {
      if (!instance || typeof instance !== 'object') return [];
      const prototype = Object.getPrototypeOf(instance) as Record<string, (...args: unknown[]) => unknown>;
      return this.scanner.getAllMethodNames(prototype).flatMap((method) => {
        const types = this.reflector.get<string[] | undefined>(STRIPE_EVENT_HANDLER, prototype[method]);
        if (!types) return [];
        return [{ name: `${(instance as object).constructor.name}.${method}`, types, call: prototype[method].bind(instance) }];
      });
    });
  }

  /** Runs every handler of the event's type; answers the errors of those that failed. */
  async run(event: Stripe.Event, row: unknown): Promise<string[]> {
    const errors: string[] = [];
    for (const handler of this.handlers.filter((h) => h.types.some((type) => eventTypeMatches(type, event.type)))) {
      try {
        await handler.call(event, row, event.account ?? null);
      } catch (error) {
        const message = `${handler.name}: ${error instanceof Error ? error.message : String(error)}`;
        this.logger.error(`Handler of ${event.type} (${event.id}) failed: ${message}`);
        errors.push(message);
      }
    }
    return errors;
  }
}
