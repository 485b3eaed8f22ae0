// A separate app process for the SIGKILL test: runs one full sync with the built library, then waits to be killed.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StripeSyncModule, SubscriptionActionService } from 'nestjs-stripe-sync';

const { DATABASE_OPTIONS, STRIPE_PORT, STRIPE_KEY } = process.env;

class ChildModule {}
Module({
  imports: [
    TypeOrmModule.forRoot(JSON.parse(DATABASE_OPTIONS)),
    StripeSyncModule.forRoot({
      apiKey: STRIPE_KEY,
      stripe: { host: '127.0.0.1', port: Number(STRIPE_PORT), protocol: 'http', maxNetworkRetries: 0 },
      cron: false,
      requestsPerSecond: 0,
      parallelism: 2,
    }),
  ],
})(ChildModule);

const app = await NestFactory.createApplicationContext(ChildModule, { logger: ['error'] });
await app.get(SubscriptionActionService).syncAll();
process.stdout.write('done\n');
