import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StripeSyncModule } from 'nestjs-stripe-sync';
import { StripeSyncCommandsModule } from 'nestjs-stripe-sync/cli';
import { databaseOptions, sampleSettings, stripeSyncOptions, validateEnvironment } from './sample.config.js';

type Settings = ConfigType<typeof sampleSettings>;

/** The sample's command line: its settings and database, the mirror without schedules, and the mirror's commands. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateEnvironment, load: [sampleSettings] }),
    // `migrate` runs the migrations: the other commands expect them run.
    TypeOrmModule.forRootAsync({
      inject: [sampleSettings.KEY],
      useFactory: (settings: Settings) => ({ ...databaseOptions(settings), migrationsRun: false }),
    }),
    StripeSyncModule.forRootAsync({
      inject: [sampleSettings.KEY],
      useFactory: (settings: Settings) => ({ ...stripeSyncOptions(settings), schedule: false }),
    }),
    StripeSyncCommandsModule,
  ],
})
export class CliModule {}
