import { ConfigurableModuleBuilder } from '@nestjs/common';
import { routedAt } from './http/routed-at.js';
import { SubscriptionsController } from './http/subscriptions.controller.js';
import { SyncRunsController } from './http/sync-runs.controller.js';
import type {
  StripeSyncModuleExtras,
  StripeSyncModuleOptions,
} from './interfaces/stripe-sync-options.interface.js';
import { DEFAULT_ROUTE_PREFIX, WEBHOOK_ROUTE } from './stripe-sync.constants.js';
import { StripeEventsController } from './webhooks/stripe-events.controller.js';
import { StripeWebhookController } from './webhooks/stripe-webhook.controller.js';
import { resolveRoutePrefix } from './stripe-sync.options.js';

export const {
  ConfigurableModuleClass: StripeSyncConfigurableModule,
  MODULE_OPTIONS_TOKEN: STRIPE_SYNC_MODULE_OPTIONS,
  OPTIONS_TYPE: STRIPE_SYNC_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: STRIPE_SYNC_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<StripeSyncModuleOptions>({ moduleName: 'StripeSync' })
  .setClassMethodName('forRoot')
  // Routes are registered before async options resolve, so the prefix is given next to useFactory.
  .setExtras<StripeSyncModuleExtras>({ routePrefix: DEFAULT_ROUTE_PREFIX, isGlobal: false }, (definition, extras) => {
    const prefix = resolveRoutePrefix(extras.routePrefix);
    return {
      ...definition,
      global: extras.isGlobal,
      controllers: [
        routedAt(`${prefix}/subscriptions`, SubscriptionsController),
        routedAt(`${prefix}/events`, StripeEventsController),
        routedAt(`${prefix}/sync-runs`, SyncRunsController),
        routedAt(prefix, StripeWebhookController),
      ],
      providers: [...(definition.providers ?? []), { provide: WEBHOOK_ROUTE, useValue: `${prefix}/webhook` }],
    };
  })
  .build();
