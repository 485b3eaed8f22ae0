import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { Registry } from 'prom-client';

export interface StripeSyncMetricsOptions {
  /** The prom-client registry the metrics are registered on. Default: prom-client's global `register`. */
  registry?: Registry;
}

export const { ConfigurableModuleClass: StripeSyncMetricsConfigurableModule, MODULE_OPTIONS_TOKEN: STRIPE_SYNC_METRICS_OPTIONS } =
  new ConfigurableModuleBuilder<StripeSyncMetricsOptions>().setClassMethodName('forRoot').build();
