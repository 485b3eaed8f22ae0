import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type CanActivate, type ExecutionContext, Injectable, type INestApplication, type Provider } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import Stripe from 'stripe';
import request from 'supertest';
import {
  InjectStripeClient,
  STRIPE_CLIENT,
  StripeSubscription,
  StripeSyncModule,
  type StripeSyncModuleOptions,
  SubscriptionActionService,
} from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { ADMIN_TOKEN, API_KEY, emulatorOptions } from './support/app.js';
import { createTestDatabase } from './support/databases.js';

/** These cases are about the module's wiring, not the database: SQLite is enough. */
describe('StripeSyncModule registration', () => {
  let emulator: StripeEmulator;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 25, seed: 3 } });
  });
  afterAll(() => emulator.stop());
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(
    imports: unknown[],
    configure?: (builder: ReturnType<typeof Test.createTestingModule>) => void,
    providers: Provider[] = [],
  ) {
    const database = await createTestDatabase('sqlite');
    const builder = Test.createTestingModule({ imports: [TypeOrmModule.forRoot(database.options), ...(imports as [])], providers });
    configure?.(builder);
    const moduleRef = await builder.compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  it('forRoot(apiKey): injects a Stripe client, syncs, and keeps the routes closed without an admin token', async () => {
    @Injectable()
    class BillingService {
      constructor(@InjectStripeClient() readonly stripe: Stripe) {}
    }

    const emulatorClient = new Stripe(API_KEY, { ...emulator.clientOptions(), maxNetworkRetries: 0 });
    const started = await boot(
      [ScheduleModule.forRoot(), StripeSyncModule.forRoot('sk_test_from_env')],
      (builder) => builder.overrideProvider(STRIPE_CLIENT).useValue(emulatorClient),
      [BillingService],
    );

    expect(started.get(BillingService).stripe).toBe(emulatorClient);
    const summary = await started.get(SubscriptionActionService).syncAll();
    expect(summary).toMatchObject({ seen: 25, inserted: 25 });
    const response = await request(started.getHttpServer()).get('/stripe/subscriptions').set('Authorization', 'Bearer anything-at-all-here');
    expect(response.status).toBe(401);
  });

  it('builds the Stripe client from the stripe options', async () => {
    const started = await boot([StripeSyncModule.forRoot(emulatorOptions(emulator))]);
    const stripe = started.get<Stripe>(STRIPE_CLIENT);
    const page = await stripe.subscriptions.list({ limit: 3, status: 'all' });
    expect(page.data).toHaveLength(3);
  });

  it('mounts the routes under routePrefix, with forRoot and with forRootAsync', async () => {
    for (const registration of [
      StripeSyncModule.forRoot({ ...emulatorOptions(emulator), routePrefix: '/billing/stripe/' }),
      StripeSyncModule.forRootAsync({ routePrefix: 'billing/stripe', useFactory: () => emulatorOptions(emulator) }),
    ]) {
      const started = await boot([registration]);
      const http = request(started.getHttpServer());
      await http.get('/billing/stripe/subscriptions').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
      await http.get('/stripe/subscriptions').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(404);
      await started.close();
      app = undefined;
    }
  });

  it('uses the host app guard instead of the admin token when one is given', async () => {
    class HeaderGuard implements CanActivate {
      canActivate(context: ExecutionContext) {
        return context.switchToHttp().getRequest().headers['x-staff'] === 'yes';
      }
    }
    const started = await boot([StripeSyncModule.forRoot({ ...emulatorOptions(emulator), guard: new HeaderGuard() })]);
    const http = request(started.getHttpServer());
    await http.get('/stripe/subscriptions').set('x-staff', 'yes').expect(200);
    await http.get('/stripe/subscriptions').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(403);
  });

  describe('refuses bad options at start-up, naming the option', () => {
    const valid = (): StripeSyncModuleOptions => emulatorOptions(emulator);
    it.each([
      ['a missing key (unset environment variable)', () => StripeSyncModule.forRoot(process.env.NO_SUCH_VARIABLE as string), '"apiKey"'],
      ['a publishable key', () => StripeSyncModule.forRoot('pk_test_123'), '"apiKey"'],
      ['an empty key', () => StripeSyncModule.forRoot({ ...valid(), apiKey: '' }), '"apiKey"'],
      ['a malformed cron', () => StripeSyncModule.forRoot({ ...valid(), cron: 'every hour' }), '"cron"'],
      ['a short admin token', () => StripeSyncModule.forRoot({ ...valid(), adminToken: 'short' }), '"adminToken"'],
      ['a bad route prefix', () => StripeSyncModule.forRoot({ ...valid(), routePrefix: 'a b' }), '"routePrefix"'],
      [
        'a route prefix returned by useFactory',
        () => StripeSyncModule.forRootAsync({ useFactory: () => ({ ...valid(), routePrefix: 'x' }) }),
        '"routePrefix"',
      ],
      ['a key missing from useFactory', () => StripeSyncModule.forRootAsync({ useFactory: () => ({ ...valid(), apiKey: undefined as unknown as string }) }), '"apiKey"'],
      ['a bad concurrency', () => StripeSyncModule.forRoot({ ...valid(), concurrency: 0 }), '"concurrency"'],
    ])('%s', async (_case, register, option) => {
      await expect((async () => boot([register()]))()).rejects.toThrow(option);
    });

    it('a schedule without ScheduleModule.forRoot()', async () => {
      await expect(boot([StripeSyncModule.forRoot({ ...valid(), cron: '0 * * * *' })])).rejects.toThrow('ScheduleModule.forRoot()');
    });
  });

  describe('scheduled sync', () => {
    it('registers the job from the cron option and runs syncAll on it', async () => {
      const started = await boot([ScheduleModule.forRoot(), StripeSyncModule.forRoot({ ...emulatorOptions(emulator), cron: '* * * * * *' })]);
      expect(started.get(SchedulerRegistry).getCronJob('stripe-sync:sync-all')).toBeDefined();
      const rows = started.get(SubscriptionActionService);
      const deadline = Date.now() + 5000;
      while ((await rows.list({}, { limit: 100, includeDeleted: true })).data.length < 25 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await rows.list({}, { limit: 100, includeDeleted: true })).data).toHaveLength(25);
    });

    it('registers no job with cron: false', async () => {
      const started = await boot([ScheduleModule.forRoot(), StripeSyncModule.forRoot(emulatorOptions(emulator))]);
      expect(started.get(SchedulerRegistry).getCronJobs().size).toBe(0);
    });

    it('skips a tick while the previous run is still going', async () => {
      const started = await boot([ScheduleModule.forRoot(), StripeSyncModule.forRoot({ ...emulatorOptions(emulator), cron: '0 0 1 1 *' })]);
      const job = started.get(SchedulerRegistry).getCronJob('stripe-sync:sync-all');
      emulator.resetStats();
      emulator.injectFault({ route: 'GET /v1/subscriptions', delayMs: 200 });
      await Promise.all([job.fireOnTick(), job.fireOnTick(), job.fireOnTick()]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(emulator.stats.byRoute['GET /v1/subscriptions']).toBe(1);
      expect(await started.get(SubscriptionActionService).list({}, { limit: 100, includeDeleted: true })).toMatchObject({ hasMore: false });
    });
  });

  it('exports the entities so the host app can query the mirror', async () => {
    const started = await boot([StripeSyncModule.forRoot(emulatorOptions(emulator))]);
    await started.get(SubscriptionActionService).syncAll();
    const { DataSource } = await import('typeorm');
    expect(await started.get(DataSource).getRepository(StripeSubscription).count()).toBe(25);
  });
});
