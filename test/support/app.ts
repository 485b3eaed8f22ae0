import { type DynamicModule, type INestApplication, Injectable, Module, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { StripeSyncModule, SubscriptionActionService, type StripeSyncModuleExtras, type StripeSyncModuleOptions } from 'nestjs-stripe-sync';
import type { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { createTestDatabase, type TestDatabaseKind } from './databases.js';

export type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

export const API_KEY = 'sk_test_e2e_suite';
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

/** The ways a host app can register the module; the e2e suites run through each. */
export const REGISTRATIONS = ['forRoot(options)', 'forRootAsync(useFactory)', 'forRootAsync(useClass)'] as const;
export type Registration = (typeof REGISTRATIONS)[number];

export interface TestAppSetup {
  database: TestDatabaseKind;
  /** A database to share with other apps (as several instances of one app do); closing the app keeps it. */
  shared?: TestDatabase;
  emulator: StripeEmulator;
  registration?: Registration;
  options?: Partial<StripeSyncModuleOptions>;
  extras?: StripeSyncModuleExtras;
  /** Providers of the host app, such as @OnStripeEvent handlers. */
  providers?: Provider[];
  /** Modules of the host app, such as ScheduleModule.forRoot(). */
  extraImports?: DynamicModule[];
  /** Changes to the app before it starts, such as a global prefix. */
  configure?: (app: INestApplication) => void;
}

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  subscriptions: SubscriptionActionService;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Options as a test app gives them: the emulator as Stripe, an admin token, no schedule. */
export function emulatorOptions(emulator: StripeEmulator, overrides: Partial<StripeSyncModuleOptions> = {}): StripeSyncModuleOptions {
  return {
    apiKey: API_KEY,
    stripe: { ...emulator.clientOptions(), maxNetworkRetries: 0 },
    adminToken: ADMIN_TOKEN,
    schedule: false,
    requestsPerSecond: 0,
    ...overrides,
  };
}

export async function createTestApp(setup: TestAppSetup): Promise<TestApp> {
  const database = setup.shared ? { ...setup.shared, drop: async () => undefined } : await createTestDatabase(setup.database);
  const options = emulatorOptions(setup.emulator, setup.options);
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(database.options),
      ...(setup.extraImports ?? []),
      register(setup.registration ?? 'forRoot(options)', options, setup.extras),
    ],
    providers: setup.providers,
  }).compile();
  const app = moduleRef.createNestApplication({ logger: process.env.TEST_LOGS ? ['error', 'warn'] : false });
  setup.configure?.(app);
  // An app that fails to start still holds its connections.
  await app.init().catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  return {
    app,
    http: request(app.getHttpServer()),
    subscriptions: app.get(SubscriptionActionService),
    dataSource: app.get(DataSource),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

const SETTINGS = Symbol('SETTINGS');

function register(registration: Registration, options: StripeSyncModuleOptions, extras: StripeSyncModuleExtras = {}): DynamicModule {
  // Stands for the app's own configuration module (such as @nestjs/config): forRootAsync reads from it.
  @Module({ providers: [{ provide: SETTINGS, useValue: options }], exports: [SETTINGS] })
  class SettingsModule {}

  @Injectable()
  class StripeSyncSettings {
    create(): StripeSyncModuleOptions {
      return options;
    }
  }

  switch (registration) {
    case 'forRoot(options)':
      return StripeSyncModule.forRoot({ ...options, ...extras });
    case 'forRootAsync(useFactory)':
      return StripeSyncModule.forRootAsync({
        ...extras,
        imports: [SettingsModule],
        inject: [SETTINGS],
        useFactory: (settings: StripeSyncModuleOptions) => settings,
      });
    case 'forRootAsync(useClass)':
      return StripeSyncModule.forRootAsync({ ...extras, useClass: StripeSyncSettings });
  }
}
