import { ConfigurableModuleBuilder, type Provider } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { ActionContext } from './actions/stripe-action.service.js';
import { FullSyncService } from './actions/full-sync.service.js';
import { mirrorControllerOf } from './http/mirror.controller.js';
import { routedAt } from './http/routed-at.js';
import { StripeSyncController } from './http/stripe-sync.controller.js';
import { SyncRunsController } from './http/sync-runs.controller.js';
import type { StripeSyncModuleExtras, StripeSyncModuleOptions } from './interfaces/stripe-sync-options.interface.js';
import type { MirroredObjectDefinition } from './objects/mirrored-object.js';
import { BUILT_IN_OBJECTS, entitiesOf, parentsFirst } from './objects/mirrored-objects.js';
import { accounts } from './objects/accounts/accounts.object.js';
import { StripeAccounts } from './stripe/stripe-accounts.js';
import type { AnyStripeAction } from './actions/stripe-sync.service.js';
import { MirrorWriter } from './persistence/mirror.writer.js';
import { BOOKKEEPING_ENTITIES } from './persistence/bookkeeping-entities.js';
import { StripeReader } from './stripe/stripe-reader.js';
import { DEFAULT_ROUTE_PREFIX, MIRRORED_ACTIONS, ROUTE_PREFIX, STRIPE_SYNC_OPTIONS } from './stripe-sync.constants.js';
import { resolveObjects, resolveRoutePrefix } from './stripe-sync.options.js';
import { StripeEventsController } from './webhooks/stripe-events.controller.js';
import { StripeWebhookController } from './webhooks/stripe-webhook.controller.js';

export const {
  ConfigurableModuleClass: StripeSyncConfigurableModule,
  MODULE_OPTIONS_TOKEN: STRIPE_SYNC_MODULE_OPTIONS,
  OPTIONS_TYPE: STRIPE_SYNC_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: STRIPE_SYNC_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<StripeSyncModuleOptions>({ moduleName: 'StripeSync' })
  .setClassMethodName('forRoot')
  // Routes, entities and providers follow from the prefix and the mirrored types, which are known before async
  // options resolve: they are given next to useFactory.
  .setExtras<StripeSyncModuleExtras>({ routePrefix: DEFAULT_ROUTE_PREFIX, isGlobal: false, objects: undefined }, (definition, extras) => {
    const prefix = resolveRoutePrefix(extras.routePrefix);
    // Connected accounts are a type too: registered always, mirrored only with the `connect` option (known once
    // the options resolve).
    const objects = [accounts, ...resolveObjects(extras.objects)];
    return {
      ...definition,
      global: extras.isGlobal,
      // Every built-in entity, mirrored or not, so that their relations resolve; the tables of a type not mirrored stay empty.
      imports: [
        ...(definition.imports ?? []),
        TypeOrmModule.forFeature([...new Set([...entitiesOf([...Object.values(BUILT_IN_OBJECTS), ...objects]), ...BOOKKEEPING_ENTITIES])]),
      ],
      controllers: [
        ...objects.map((object) => routedAt(`${prefix}/${object.resource}`, mirrorControllerOf(object))),
        routedAt(`${prefix}/events`, StripeEventsController),
        routedAt(`${prefix}/sync-runs`, SyncRunsController),
        routedAt(prefix, StripeWebhookController),
        routedAt(prefix, StripeSyncController),
      ],
      providers: [...(definition.providers ?? []), { provide: ROUTE_PREFIX, useValue: prefix }, ...actionProviders(objects)],
      exports: [...(definition.exports ?? []), ...objects.map((object) => object.service)],
    };
  })
  .build();

/** Each type's action, built from its declaration, and the list of the mirrored ones, parents first. */
function actionProviders(objects: MirroredObjectDefinition[]): Provider[] {
  const actions: Provider[] = objects.map((object) => ({
    provide: object.service,
    inject: [getDataSourceToken(), MirrorWriter, StripeReader, StripeAccounts, FullSyncService, STRIPE_SYNC_OPTIONS],
    useFactory: (...[dataSource, writer, reader, accounts, fullSync, options]: ActionContext[keyof ActionContext][]) =>
      new object.service(object, { dataSource, writer, reader, accounts, fullSync, options }),
  }));
  const ordered = parentsFirst(objects);
  const mirrored: Provider = {
    provide: MIRRORED_ACTIONS,
    inject: [StripeAccounts, ...ordered.map((object) => object.service)],
    useFactory: (connected: StripeAccounts, ...all: AnyStripeAction[]) =>
      all.filter((action) => connected.connect || (action.definition as MirroredObjectDefinition) !== accounts),
  };
  return [...actions, mirrored];
}
