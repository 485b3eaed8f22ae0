import { registerAs } from '@nestjs/config';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import Database from 'better-sqlite3';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MinLength, validateSync } from 'class-validator';
import { stripeSyncMigrations, type StripeClientSettings, type StripeSyncModuleOptions } from 'nestjs-stripe-sync';

/** The sample's settings, read from the environment (and a `.env` file) by @nestjs/config: see `.env.example`. */
export class SampleEnvironment {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  HOST = '127.0.0.1';

  /** `postgres://…`, `postgresql://…`, `mysql://…` or `mariadb://…`; without one, SQLite. */
  @IsOptional()
  @Matches(/^(postgres|postgresql|mysql|mariadb):\/\//, {
    message: 'DATABASE_URL must start with postgres://, postgresql://, mysql:// or mariadb://',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  SQLITE_PATH = 'stripe-sync.sqlite';

  @Matches(/^(sk|rk)_/, { message: 'STRIPE_API_KEY must be a secret (sk_…) or restricted (rk_…) key' })
  STRIPE_API_KEY: string;

  /** Any Stripe-compatible server, such as `http://127.0.0.1:12111`. */
  @IsOptional()
  @Matches(/^https?:\/\/[^/]+\/?$/, { message: 'STRIPE_API_BASE must be a URL such as http://127.0.0.1:12111' })
  STRIPE_API_BASE?: string;

  @IsOptional()
  @Matches(/^whsec_/, { message: 'STRIPE_WEBHOOK_SECRET must be a signing secret (whsec_…)' })
  STRIPE_WEBHOOK_SECRET?: string;

  /** `all`, or connected account ids separated by commas; unset: no Connect. */
  @IsOptional()
  @Matches(/^(all|acct_[A-Za-z0-9]+(,acct_[A-Za-z0-9]+)*)$/, { message: 'STRIPE_CONNECT must be "all" or acct_… ids separated by commas' })
  STRIPE_CONNECT?: string;

  @IsOptional()
  @Matches(/^whsec_/, { message: 'STRIPE_CONNECT_WEBHOOK_SECRET must be a signing secret (whsec_…)' })
  STRIPE_CONNECT_WEBHOOK_SECRET?: string;

  @IsString()
  @MinLength(16)
  ADMIN_TOKEN: string;

  /** `1`: the emulator is a platform with three connected accounts (only without STRIPE_API_KEY). */
  @IsOptional()
  @Transform(({ value }) => value === '1' || value === 'true')
  @IsIn([true, false])
  SAMPLE_CONNECT = false;
}

/** ConfigModule's `validate`: the settings with their defaults, or an error that names every wrong one. */
export function validateEnvironment(config: Record<string, unknown>): SampleEnvironment {
  const environment = plainToInstance(SampleEnvironment, config, { exposeDefaultValues: true });
  const errors = validateSync(environment, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new Error(`Invalid settings: ${errors.flatMap((error) => Object.values(error.constraints ?? {})).join('; ')}`);
  }
  return environment;
}

/** The settings as one typed object: `@Inject(sampleSettings.KEY) settings: ConfigType<typeof sampleSettings>`. */
export const sampleSettings = registerAs('sample', () => validateEnvironment(process.env));

/** The connection: the driver from `DATABASE_URL`'s scheme, SQLite without one; the schema from the shipped migrations. */
export function databaseOptions(env: SampleEnvironment): TypeOrmModuleOptions {
  const common = { autoLoadEntities: true, synchronize: false, migrationsRun: true } as const;
  const scheme = env.DATABASE_URL?.split(':')[0];
  switch (scheme) {
    case undefined:
      return { type: 'better-sqlite3', driver: Database, database: env.SQLITE_PATH, migrations: stripeSyncMigrations('sqlite'), ...common };
    case 'postgres':
    case 'postgresql':
      return { type: 'postgres', url: env.DATABASE_URL, migrations: stripeSyncMigrations('postgres'), ...common };
    default:
      // mysql2 writes dates in the connection's zone: UTC, as the module requires.
      return {
        type: scheme === 'mariadb' ? 'mariadb' : 'mysql',
        url: env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:'),
        timezone: 'Z',
        migrations: stripeSyncMigrations('mysql'),
        ...common,
      };
  }
}

/** The module's options from the settings. */
export function stripeSyncOptions(env: SampleEnvironment): StripeSyncModuleOptions {
  const connect = env.STRIPE_CONNECT;
  return {
    apiKey: env.STRIPE_API_KEY,
    stripe: env.STRIPE_API_BASE ? stripeSettingsFrom(env.STRIPE_API_BASE) : {},
    adminToken: env.ADMIN_TOKEN,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
    connect: connect ? { accounts: connect === 'all' ? 'all' : connect.split(',') } : false,
    connectWebhookSecret: env.STRIPE_CONNECT_WEBHOOK_SECRET,
  };
}

/** `http://127.0.0.1:12111` → the client's host, port and protocol. */
export function stripeSettingsFrom(base: string): StripeClientSettings {
  const url = new URL(base);
  const protocol = url.protocol.replace(':', '') as 'http' | 'https';
  return { host: url.hostname, port: Number(url.port || (protocol === 'https' ? 443 : 80)), protocol };
}
