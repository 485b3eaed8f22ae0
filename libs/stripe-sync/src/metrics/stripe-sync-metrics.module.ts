import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StripeSyncRun } from '../persistence/stripe-sync-run.entity.js';
import { StripeSyncMetricsConfigurableModule, type StripeSyncMetricsOptions } from './stripe-sync-metrics.module-definition.js';
import { StripeSyncMetrics } from './stripe-sync.metrics.js';

/**
 * Prometheus metrics of the mirror (`StripeSyncMetricsModule.forRoot()`, or `forRoot({ registry })`): registered on
 * prom-client's registry, which your `/metrics` route serves (such as @willsoto/nestjs-prometheus's). Apart from
 * `StripeSyncModule`, so that apps without prom-client never load it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([StripeSyncRun])],
  providers: [StripeSyncMetrics],
  exports: [StripeSyncMetrics],
})
export class StripeSyncMetricsModule extends StripeSyncMetricsConfigurableModule {
  static override forRoot(options: StripeSyncMetricsOptions = {}): DynamicModule {
    return super.forRoot(options);
  }
}
