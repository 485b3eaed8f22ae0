export { StripeSyncModule, STRIPE_SYNC_ENTITIES } from './stripe-sync.module.js';
export { STRIPE_CLIENT } from './stripe-sync.constants.js';
export { StripeSyncOptionsError } from './stripe-sync.options.js';
export type {
  StripeClientSettings,
  StripeSyncModuleExtras,
  StripeSyncModuleOptions,
} from './interfaces/stripe-sync-options.interface.js';
export { InjectStripeClient } from './stripe/stripe.decorators.js';
export { StripeActionService, RequestTally, type StripeObject } from './actions/stripe-action.service.js';
export { StripeReader, type StripePage, type StripeParams } from './stripe/stripe-reader.js';
export { SubscriptionActionService } from './actions/subscription-action.service.js';
export type { SubscriptionPayload, SubscriptionItemPayload } from './actions/subscription.mapper.js';
export {
  InvalidStripeObjectError,
  MirrorObjectNotFoundError,
  SyncAlreadyRunningError,
} from './actions/stripe-action.errors.js';
export type {
  MirrorListQuery,
  MirrorPage,
  SyncAllSummary,
  SyncBatchResult,
  SyncByIdsResult,
  SyncFailure,
} from './actions/stripe-action.interfaces.js';
export { StripeSubscription } from './persistence/stripe-subscription.entity.js';
export { StripeSubscriptionItem } from './persistence/stripe-subscription-item.entity.js';
export type { MirrorEntity, MirrorRow } from './persistence/mirror-entity.interface.js';
export { MirrorWriter, type MirrorRecord, type MirrorTables, type ChildTable } from './persistence/mirror.writer.js';
export { StripeSyncAdminGuard } from './http/stripe-sync-admin.guard.js';
export { StripeEvent, type StripeEventStatus, type StripeEventSource } from './webhooks/stripe-event.entity.js';
export { StripeSyncState } from './persistence/stripe-sync-state.entity.js';
export { OnStripeEvent } from './webhooks/on-stripe-event.decorator.js';
export { StripeEventsService, type EventReceipt, type EventsCatchUpSummary } from './webhooks/stripe-events.service.js';
export type { EventApplication } from './actions/stripe-action.service.js';
export { StripeSyncRun, StripeSyncSlice, type SyncRunStatus } from './persistence/stripe-sync-run.entity.js';
export type { StartedSyncAll } from './actions/stripe-action.service.js';
export { StripeSyncLock } from './persistence/stripe-sync-lock.entity.js';
export { LeaseLostError } from './persistence/sync-leases.js';
export { stripeSyncMigrations, type StripeSyncDialect } from './persistence/migrations/index.js';
