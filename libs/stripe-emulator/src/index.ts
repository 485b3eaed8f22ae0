export type { StripeEmulatorFailures, StripeEmulatorLatency, StripeEmulatorRateLimit } from './emulator.conditions.js';
export type { StripeObject } from './emulator.events.js';
export type { SeedOptions } from './emulator.seed.js';
export type { ChildListOrder } from './emulator.store.js';
export {
  StripeEmulator,
  type StripeEmulatorAccountOptions,
  type StripeEmulatorFault,
  type StripeEmulatorOptions,
  type StripeEmulatorStats,
} from './emulator.server.js';
export {
  AccountControls,
  StripeEmulatorAccount,
  type StripeEmulatorObject,
  type StripeEmulatorObjects,
  type StripeEmulatorObjectType,
} from './emulator.account-controls.js';
export type { WebhookDelivery, WebhookEndpointOptions, WebhookOptions } from './emulator.webhooks.js';
