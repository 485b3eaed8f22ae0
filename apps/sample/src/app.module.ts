import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import Database from 'better-sqlite3';
import { TerminusModule } from '@nestjs/terminus';
import { StripeSyncModule } from 'nestjs-stripe-sync';
import { StripeSyncHealthModule } from 'nestjs-stripe-sync/health';
import { HealthController } from './health.controller.js';
import type { SampleConfig } from './sample.config.js';
import { SubscriptionChangesLogger } from './subscription-changes.logger.js';

/** The wiring a host app copies: its own database connection, the scheduler, and the Stripe mirror. */
@Module({})
export class AppModule {
  static forConfig(config: SampleConfig & { stripeApiKey: string }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(databaseOptions(config)),
        ScheduleModule.forRoot(),
        StripeSyncModule.forRoot({
          apiKey: config.stripeApiKey,
          stripe: config.stripe,
          adminToken: config.adminToken,
          webhookSecret: config.webhookSecret,
        }),
        TerminusModule,
        StripeSyncHealthModule,
      ],
      controllers: [HealthController],
      providers: [SubscriptionChangesLogger],
    };
  }
}

function databaseOptions(config: SampleConfig): TypeOrmModuleOptions {
  // The sample creates its tables on start; a production app runs migrations instead.
  const common = { autoLoadEntities: true, synchronize: true } as const;
  return config.databaseUrl
    ? { type: 'postgres', url: config.databaseUrl, ...common }
    : { type: 'better-sqlite3', driver: Database, database: config.sqlitePath, ...common };
}
