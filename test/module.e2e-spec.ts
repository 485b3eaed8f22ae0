import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type CanActivate, type ExecutionContext, Injectable, type INestApplication, type Provider } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import request from 'supertest';
import {
  InjectStripeClient,
  STRIPE_CLIENT,
  StripeSubscription,
  StripeSyncLock,
  StripeSyncModule,
  type StripeSyncModuleOptions,
  SubscriptionActionService,
} from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { ADMIN_TOKEN, API_KEY, emulatorOptions } from './support/app.js';
import { createTestDatabase } from './support/databases.js';
import { CapturingLogger } from './support/logs.js';

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
    const response = await request(started.getHttpServer())
      .get('/stripe/subscriptions')
      .set('Authorization', 'Bearer anything-at-all-here');
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
      [
        'a malformed cron expression',
        () => StripeSyncModule.forRoot({ ...valid(), schedule: { fullSync: 'every hour' } }),
        '"schedule.fullSync"',
      ],
      [
        'an unknown time zone',
        () => StripeSyncModule.forRoot({ ...valid(), schedule: { timeZone: 'Mars/Olympus' } }),
        '"schedule.timeZone"',
      ],
      [
        'the former cron option',
        () => StripeSyncModule.forRoot({ ...valid(), cron: '0 * * * *' } as StripeSyncModuleOptions),
        'replaced by schedule',
      ],
      ['a short admin token', () => StripeSyncModule.forRoot({ ...valid(), adminToken: 'short' }), '"adminToken"'],
      ['a bad route prefix', () => StripeSyncModule.forRoot({ ...valid(), routePrefix: 'a b' }), '"routePrefix"'],
      [
        'a route prefix returned by useFactory',
        () => StripeSyncModule.forRootAsync({ useFactory: () => ({ ...valid(), routePrefix: 'x' }) }),
        '"routePrefix"',
      ],
      [
        'a key missing from useFactory',
        () => StripeSyncModule.forRootAsync({ useFactory: () => ({ ...valid(), apiKey: undefined as unknown as string }) }),
        '"apiKey"',
      ],
      ['a bad concurrency', () => StripeSyncModule.forRoot({ ...valid(), concurrency: 0 }), '"concurrency"'],
      ['a bad writeConcurrency', () => StripeSyncModule.forRoot({ ...valid(), writeConcurrency: 1.5 }), '"writeConcurrency"'],
    ])('%s', async (_case, register, option) => {
      await expect((async () => boot([register()]))()).rejects.toThrow(option);
    });

    it('a schedule without ScheduleModule.forRoot()', async () => {
      await expect(boot([StripeSyncModule.forRoot({ ...valid(), schedule: {} })])).rejects.toThrow('ScheduleModule.forRoot()');
    });
  });

  describe('scheduled jobs', () => {
    const jobs = (started: INestApplication) => started.get(SchedulerRegistry);

    it('registers the catch-up every 5 minutes and the full sync daily at 03:00, in UTC, by default', async () => {
      const started = await boot([ScheduleModule.forRoot(), StripeSyncModule.forRoot({ ...emulatorOptions(emulator), schedule: {} })]);
      const catchUp = jobs(started).getCronJob('stripe-sync:catch-up');
      const fullSync = jobs(started).getCronJob('stripe-sync:full-sync');
      expect([catchUp.cronTime.source, catchUp.cronTime.timeZone]).toEqual(['*/5 * * * *', 'UTC']);
      expect([fullSync.cronTime.source, fullSync.cronTime.timeZone]).toEqual(['0 3 * * *', 'UTC']);
      expect(fullSync.nextDate().toUTC().hour).toBe(3);
    });

    it('reads the expressions in the time zone given, and leaves out a job set to false', async () => {
      const schedule = { catchUp: false, fullSync: '0 3 * * *', timeZone: 'Asia/Kolkata' } as const;
      const started = await boot([ScheduleModule.forRoot(), StripeSyncModule.forRoot({ ...emulatorOptions(emulator), schedule })]);
      expect(jobs(started).doesExist('cron', 'stripe-sync:catch-up')).toBe(false);
      // 03:00 in Kolkata is 21:30 UTC.
      const next = jobs(started).getCronJob('stripe-sync:full-sync').nextDate().toUTC();
      expect([next.hour, next.minute]).toEqual([21, 30]);
    });

    it('runs the full sync on its schedule and logs what it corrected', async () => {
      const schedule = { catchUp: false, fullSync: '* * * * * *' } as const;
      const started = await boot([
        ScheduleModule.forRoot(),
        StripeSyncModule.forRoot({ ...emulatorOptions(emulator), objects: ['subscription'], schedule }),
      ]);
      const logger = new CapturingLogger();
      started.useLogger(logger);
      const rows = started.get(SubscriptionActionService);
      const deadline = Date.now() + 5000;
      while ((await rows.list({}, { limit: 100, includeDeleted: true })).data.length < 25 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await rows.list({}, { limit: 100, includeDeleted: true })).data).toHaveLength(25);
      while (!logger.lines.some((line) => line.includes('Scheduled full sync done')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(logger.lines.find((line) => line.includes('Scheduled full sync done'))).toMatch(
        /25 objects .* rows corrected that webhooks and catch-up had missed \(\d+ inserted, \d+ updated, 0 soft-deleted, 0 restored\)/,
      );
    });

    it('a scheduled full sync that the app stops on shutdown logs that it stopped, not an error', async () => {
      const started = await boot([
        ScheduleModule.forRoot(),
        StripeSyncModule.forRoot({ ...emulatorOptions(emulator), objects: ['subscription'], schedule: { catchUp: false } }),
      ]);
      const logger = new CapturingLogger();
      started.useLogger(logger);
      emulator.injectFault({ route: 'GET /v1/subscriptions', delayMs: 400, times: 1_000 });
      try {
        const tick = jobs(started).getCronJob('stripe-sync:full-sync').fireOnTick();
        // The run holds its lease and waits for Stripe's first page.
        await new Promise((resolve) => setTimeout(resolve, 150));
        await started.close();
        app = undefined;
        await tick;
      } finally {
        emulator.clearFaults();
      }
      expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([]);
      expect(logger.lines).toContainEqual(expect.stringContaining('Scheduled full sync stopped: Lost the lease'));
    });

    it('runs the catch-up in one instance at a time: a tick while another holds its lease sends nothing', async () => {
      const started = await boot([
        ScheduleModule.forRoot(),
        StripeSyncModule.forRoot({ ...emulatorOptions(emulator), schedule: { fullSync: false } }),
      ]);
      const logger = new CapturingLogger();
      started.useLogger(logger);
      const job = jobs(started).getCronJob('stripe-sync:catch-up');
      const locks = started.get(DataSource).getRepository(StripeSyncLock);
      await locks.insert({ name: 'events-catch-up', owner: 'another-instance', expiresAt: new Date(Date.now() + 60_000) });
      emulator.resetStats();
      await job.fireOnTick();
      expect(emulator.stats.byRoute['GET /v1/events']).toBeUndefined();
      expect(logger.lines.some((line) => line.includes('Scheduled event catch-up skipped: another instance is running it'))).toBe(true);

      await locks.delete({ name: 'events-catch-up' });
      await job.fireOnTick();
      expect(emulator.stats.byRoute['GET /v1/events']).toBeGreaterThan(0);
      expect(logger.lines.some((line) => line.includes('Scheduled event catch-up done'))).toBe(true);
      expect(await locks.count()).toBe(0);
    });

    it('registers no job with schedule: false', async () => {
      const started = await boot([ScheduleModule.forRoot(), StripeSyncModule.forRoot(emulatorOptions(emulator))]);
      expect(jobs(started).getCronJobs().size).toBe(0);
    });

    it('skips a full-sync tick while the previous run is still going', async () => {
      const schedule = { catchUp: false, fullSync: '0 0 1 1 *' } as const;
      const started = await boot([
        ScheduleModule.forRoot(),
        StripeSyncModule.forRoot({ ...emulatorOptions(emulator), objects: ['subscription'], schedule }),
      ]);
      const job = jobs(started).getCronJob('stripe-sync:full-sync');
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
    expect(await started.get(DataSource).getRepository(StripeSubscription).count()).toBe(25);
  });
});
