export { StripeEmulator, type StripeEmulatorFault, type StripeEmulatorOptions, type StripeEmulatorStats } from './emulator.server.js';
export type { SeedOptions } from './emulator.seed.js';
