import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StripeSyncModule } from 'nestjs-stripe-sync';
import { StripeSyncHealthModule } from 'nestjs-stripe-sync/health';
import { StripeSyncMetricsModule } from 'nestjs-stripe-sync/metrics';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { databaseOptions, sampleSettings, stripeSyncOptions, validateEnvironment } from './sample.config.js';
import { SubscriptionChangesLogger } from './subscription-changes.logger.js';

type Settings = ConfigType<typeof sampleSettings>;

/** The wiring a host app copies: its settings, its own database connection, the scheduler, the Stripe mirror, its health and metrics. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateEnvironment, load: [sampleSettings] }),
    TypeOrmModule.forRootAsync({ inject: [sampleSettings.KEY], useFactory: (settings: Settings) => databaseOptions(settings) }),
    ScheduleModule.forRoot(),
    StripeSyncModule.forRootAsync({ inject: [sampleSettings.KEY], useFactory: (settings: Settings) => stripeSyncOptions(settings) }),
    TerminusModule,
    StripeSyncHealthModule,
    // stripe_sync_* metrics on prom-client's registry, which MetricsController serves at GET /metrics.
    StripeSyncMetricsModule.forRoot(),
  ],
  controllers: [HealthController, MetricsController],
  providers: [SubscriptionChangesLogger],
})
export class AppModule {}
