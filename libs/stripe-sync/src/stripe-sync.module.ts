import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { FullSyncService } from './actions/full-sync.service.js';
import { StripeMirrorQuery } from './actions/stripe-mirror-query.service.js';
import { StripeSyncService } from './actions/stripe-sync.service.js';
import { StripeSyncAdminGuard } from './http/stripe-sync-admin.guard.js';
import type { StripeSyncModuleOptions } from './interfaces/stripe-sync-options.interface.js';
import { BUILT_IN_OBJECTS, entitiesOf } from './objects/mirrored-objects.js';
import { accounts } from './objects/accounts/accounts.object.js';
import { StripeAccounts } from './stripe/stripe-accounts.js';
import { BOOKKEEPING_ENTITIES } from './persistence/bookkeeping-entities.js';
import { MirrorWriter } from './persistence/mirror.writer.js';
import { SyncRunStore } from './persistence/sync-run.store.js';
import { SyncLeases } from './persistence/sync-leases.js';
import { StripeSyncScheduler } from './scheduling/stripe-sync.scheduler.js';
import { pageBudgetProvider, stripeClientProvider } from './stripe/stripe-client.provider.js';
import { StripeReader } from './stripe/stripe-reader.js';
import { STRIPE_CLIENT, STRIPE_SYNC_OPTIONS } from './stripe-sync.constants.js';
import { STRIPE_SYNC_MODULE_OPTIONS, STRIPE_SYNC_OPTIONS_TYPE, StripeSyncConfigurableModule } from './stripe-sync.module-definition.js';
import { resolveStripeSyncOptions, StripeSyncOptionsError } from './stripe-sync.options.js';
import { StripeEventHandlers } from './webhooks/stripe-event-handlers.js';
import { StripeEventsService } from './webhooks/stripe-events.service.js';
import { StripeWebhookVerifier } from './webhooks/stripe-webhook.verifier.js';
import { RequestBodyCapture } from './http/request-body.capture.js';
import { StripeSyncTelemetry } from './metrics/stripe-sync.telemetry.js';

/** Every table the module owns, mirrored types and bookkeeping; `autoLoadEntities: true` picks them up, or list them yourself. */
export const STRIPE_SYNC_ENTITIES = [...entitiesOf([accounts, ...Object.values(BUILT_IN_OBJECTS)]), ...BOOKKEEPING_ENTITIES];

@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: STRIPE_SYNC_OPTIONS,
      inject: [STRIPE_SYNC_MODULE_OPTIONS],
      useFactory: (options: StripeSyncModuleOptions & { routePrefix?: unknown }) => {
        if (options && 'routePrefix' in options) {
          throw new StripeSyncOptionsError('routePrefix', 'must be given next to useFactory in forRootAsync, not returned by it');
        }
        return resolveStripeSyncOptions(options);
      },
    },
    StripeSyncTelemetry,
    stripeClientProvider,
    pageBudgetProvider,
    StripeReader,
    StripeAccounts,
    MirrorWriter,
    SyncRunStore,
    SyncLeases,
    FullSyncService,
    StripeSyncService,
    StripeMirrorQuery,
    StripeSyncAdminGuard,
    StripeSyncScheduler,
    StripeEventsService,
    StripeEventHandlers,
    StripeWebhookVerifier,
    RequestBodyCapture,
  ],
  exports: [STRIPE_CLIENT, StripeReader, StripeSyncService, StripeMirrorQuery, StripeEventsService, StripeSyncTelemetry],
})
export class StripeSyncModule extends StripeSyncConfigurableModule {
  /** `forRoot(apiKey)` or `forRoot({ apiKey, ...options })`. */
  static override forRoot(options: string | typeof STRIPE_SYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRoot(typeof options === 'string' ? { apiKey: options } : (options ?? ({} as typeof STRIPE_SYNC_OPTIONS_TYPE)));
  }
}
