// An app process of its own, for tests that need one (killed with SIGKILL, or in another time zone): runs the
// built library and the steps given in STEPS (default: one full sync), printing each result as a line of JSON.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import Database from 'better-sqlite3';
import { MirrorWriter, StripeSyncModule, SubscriptionActionService } from 'nestjs-stripe-sync';

const { DATABASE_OPTIONS, STRIPE_PORT, STRIPE_KEY, STEPS = '[{ "syncAll": true }]' } = process.env;
const database = JSON.parse(DATABASE_OPTIONS);

class ChildModule {}
Module({
  imports: [
    TypeOrmModule.forRoot(database.type === 'better-sqlite3' ? { ...database, driver: Database } : database),
    StripeSyncModule.forRoot({
      apiKey: STRIPE_KEY,
      stripe: { host: '127.0.0.1', port: Number(STRIPE_PORT), protocol: 'http', maxNetworkRetries: 0 },
      schedule: false,
      requestsPerSecond: 0,
      parallelism: 2,
    }),
  ],
})(ChildModule);

const app = await NestFactory.createApplicationContext(ChildModule, { logger: ['error'] });
const subscriptions = app.get(SubscriptionActionService);
for (const step of JSON.parse(STEPS)) {
  let result;
  if (step.syncAll) result = await subscriptions.syncAll();
  if (step.event) result = await subscriptions.syncFromEvent(step.event.object, step.event.created);
  if (step.sweep) result = await app.get(MirrorWriter).sweep(subscriptions.tables, new Date(step.sweep.before), new Date(), [null]);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
await app.close();
