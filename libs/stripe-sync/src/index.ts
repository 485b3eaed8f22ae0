// The module and its options
export { StripeSyncModule, STRIPE_SYNC_ENTITIES } from './stripe-sync.module.js';
export { STRIPE_CLIENT } from './stripe-sync.constants.js';
export { StripeSyncOptionsError } from './stripe-sync.options.js';
export type {
  StripeClientSettings,
  StripeSyncModuleExtras,
  StripeSyncModuleOptions,
  StripeSyncSchedule,
} from './interfaces/stripe-sync-options.interface.js';
export { InjectStripeClient } from './stripe/stripe.decorators.js';
export { StripeReader, type StripePage, type StripeParams } from './stripe/stripe-reader.js';

// The mirror as a whole, and questions answered from it
export { StripeSyncService, type AnyStripeAction } from './actions/stripe-sync.service.js';
export { StripeMirrorQuery, type CustomerSubscription, type SubscriptionMatch } from './actions/stripe-mirror-query.service.js';

// Mirrored types: the generic action, and what a type of your own is declared with
export {
  StripeActionService,
  RequestTally,
  type ActionContext,
  type EventApplication,
  type ForAccount,
  type StripeObject,
} from './actions/stripe-action.service.js';
export {
  defineMirroredChild,
  defineMirroredObject,
  type MirrorFilter,
  type MirroredChildDefinition,
  type MirroredObjectDefinition,
} from './objects/mirrored-object.js';
export { BUILT_IN_OBJECTS, type BuiltInObjectName } from './objects/mirrored-objects.js';
export { StripeAccounts, type AccountScope } from './stripe/stripe-accounts.js';
export {
  StripeSyncTelemetry,
  type StripeSyncTelemetryListener,
  type StripeEventOutcome,
  type StripeRequestOutcome,
} from './metrics/stripe-sync.telemetry.js';
export { MirroredStripeObject } from './persistence/mirrored-stripe-object.js';
export {
  IdColumn,
  TimestampColumn,
  JsonColumn,
  AmountColumn,
  CodeColumn,
  TextColumn,
  FlagColumn,
  ReferenceTo,
} from './persistence/mirror.columns.js';
export type { MirrorEntity, MirrorRow } from './persistence/mirror-entity.interface.js';
export { toRaw } from './objects/stripe-values.js';
export { StripeFields } from './objects/stripe-fields.js';
export type {
  MirrorListQuery,
  MirrorPage,
  StartedSyncAll,
  SyncAllSummary,
  SyncBatchResult,
  SyncByIdsResult,
  SyncFailure,
  AccountSyncSummary,
} from './actions/stripe-action.interfaces.js';
export { InvalidStripeObjectError, MirrorObjectNotFoundError, SyncAlreadyRunningError } from './actions/stripe-action.errors.js';

// The built-in types: entities and actions (accounts: with Connect)
export { AccountActionService, accounts } from './objects/accounts/accounts.object.js';
export { StripeAccount } from './objects/accounts/stripe-account.entity.js';
export { CustomerActionService, customers } from './objects/customers/customers.object.js';
export { StripeCustomer } from './objects/customers/stripe-customer.entity.js';
export { ProductActionService, products } from './objects/products/products.object.js';
export { StripeProduct } from './objects/products/stripe-product.entity.js';
export { PriceActionService, prices } from './objects/prices/prices.object.js';
export { StripePrice } from './objects/prices/stripe-price.entity.js';
export { SubscriptionActionService, subscriptions } from './objects/subscriptions/subscriptions.object.js';
export { StripeSubscription } from './objects/subscriptions/stripe-subscription.entity.js';
export { StripeSubscriptionItem } from './objects/subscriptions/stripe-subscription-item.entity.js';
export type { SubscriptionPayload, SubscriptionItemPayload } from './objects/subscriptions/subscription.mapper.js';
export { InvoiceActionService, invoices } from './objects/invoices/invoices.object.js';
export { StripeInvoice } from './objects/invoices/stripe-invoice.entity.js';
export { StripeInvoiceLineItem } from './objects/invoices/stripe-invoice-line-item.entity.js';
export { PaymentIntentActionService, paymentIntents } from './objects/payment-intents/payment-intents.object.js';
export { StripePaymentIntent } from './objects/payment-intents/stripe-payment-intent.entity.js';
export { ChargeActionService, charges } from './objects/charges/charges.object.js';
export { StripeCharge } from './objects/charges/stripe-charge.entity.js';
export { RefundActionService, refunds } from './objects/refunds/refunds.object.js';
export { StripeRefund } from './objects/refunds/stripe-refund.entity.js';

// Bookkeeping: runs, leases, events, migrations
export { MirrorWriter, type MirrorRecord, type MirrorTables, type ChildTable } from './persistence/mirror.writer.js';
export { StripeSyncRun, StripeSyncSlice, type SyncRunStatus } from './persistence/stripe-sync-run.entity.js';
export { StripeSyncLock } from './persistence/stripe-sync-lock.entity.js';
export { InstanceStoppingError, LeaseLostError } from './persistence/sync-leases.js';
export { StripeSyncState } from './persistence/stripe-sync-state.entity.js';
export { stripeSyncMigrations, type StripeSyncDialect, type StripeSyncMigrationOptions } from './persistence/migrations/index.js';

// HTTP and webhooks
export { StripeSyncAdminGuard } from './http/stripe-sync-admin.guard.js';
export { StripeEvent, type StripeEventStatus, type StripeEventSource } from './webhooks/stripe-event.entity.js';
export { OnStripeEvent } from './webhooks/on-stripe-event.decorator.js';
export { StripeEventsService, type EventReceipt, type EventsCatchUpSummary } from './webhooks/stripe-events.service.js';
