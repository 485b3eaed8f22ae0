// A host app as the README's "Add it to your app" writes it, built and run against the packed tarballs by
// .ci/package-check: it syncs the emulator's account through the routes and exits non-zero on any mismatch.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StripeSubscription, StripeSyncModule, stripeSyncMigrations, SubscriptionActionService } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';

const SUBSCRIPTIONS = 25;
const ADMIN_TOKEN = 'package-check-admin-token';

const emulator = await StripeEmulator.start({ seed: { subscriptions: SUBSCRIPTIONS, seed: 3 } });

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'better-sqlite3',
      database: ':memory:',
      autoLoadEntities: true,
      migrationsRun: true,
      migrations: stripeSyncMigrations('sqlite'),
    }),
    ScheduleModule.forRoot(),
    StripeSyncModule.forRoot({ apiKey: 'sk_test_package_check', adminToken: ADMIN_TOKEN, stripe: emulator.clientOptions() }),
  ],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const call = async <T>(method: string, path: string): Promise<T> => {
  const response = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

try {
  const run = await call<{ seen: number }>('POST', '/stripe/sync-all');
  const ids = emulator.listSubscriptionIds();
  const stored = await app.get<DataSource>(getDataSourceToken()).getRepository(StripeSubscription).count();
  const listed = await call<{ data: object[] }>('GET', '/stripe/subscriptions?limit=5');
  const resynced = await app.get(SubscriptionActionService).syncByIds(ids.slice(0, 3));
  if (stored !== ids.length || listed.data.length !== 5 || resynced.synced.length !== 3) {
    throw new Error(
      `mirrored ${stored} subscriptions of ${ids.length}, listed ${listed.data.length} of 5, resynced ${resynced.synced.length} of 3`,
    );
  }
  console.log(`package check: ${run.seen} objects synced, ${stored} subscriptions mirrored, the routes and the injected service answer`);
} finally {
  await app.close();
  await emulator.stop();
}
