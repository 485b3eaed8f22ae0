import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StripeSyncRun } from '../persistence/stripe-sync-run.entity.js';
import { StripeSyncHealthIndicator } from './stripe-sync.health.js';

/**
 * Provides `StripeSyncHealthIndicator` for your terminus health checks. Apart from `StripeSyncModule`, so that apps
 * without @nestjs/terminus never load it.
 */
@Module({
  imports: [TerminusModule, TypeOrmModule.forFeature([StripeSyncRun])],
  providers: [StripeSyncHealthIndicator],
  exports: [StripeSyncHealthIndicator],
})
export class StripeSyncHealthModule {}
