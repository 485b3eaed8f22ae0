export { StripeSyncHealthModule } from './stripe-sync-health.module.js';
export { StripeSyncHealthIndicator, type StripeSyncHealthOptions } from './stripe-sync.health.js';
