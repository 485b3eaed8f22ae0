import { ConfigurableModuleBuilder } from '@nestjs/common';
import { subscriptionsControllerAt } from './http/subscriptions.controller.js';
import type {
  StripeSyncModuleExtras,
  StripeSyncModuleOptions,
} from './interfaces/stripe-sync-options.interface.js';
import { DEFAULT_ROUTE_PREFIX } from './stripe-sync.constants.js';
import { resolveRoutePrefix } from './stripe-sync.options.js';

export const {
  ConfigurableModuleClass: StripeSyncConfigurableModule,
  MODULE_OPTIONS_TOKEN: STRIPE_SYNC_MODULE_OPTIONS,
  OPTIONS_TYPE: STRIPE_SYNC_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: STRIPE_SYNC_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<StripeSyncModuleOptions>({ moduleName: 'StripeSync' })
  .setClassMethodName('forRoot')
  // Routes are registered before async options resolve, so the prefix is given next to useFactory.
  .setExtras<StripeSyncModuleExtras>({ routePrefix: DEFAULT_ROUTE_PREFIX, isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    controllers: [subscriptionsControllerAt(resolveRoutePrefix(extras.routePrefix))],
  }))
  .build();
