export { StripeSyncMetricsModule } from './stripe-sync-metrics.module.js';
export type { StripeSyncMetricsOptions } from './stripe-sync-metrics.module-definition.js';
export { StripeSyncMetrics } from './stripe-sync.metrics.js';
