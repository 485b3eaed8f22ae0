import { randomBytes } from 'node:crypto';
import type { StripeClientSettings } from 'nestjs-stripe-sync';

export interface SampleConfig {
  host: string;
  port: number;
  /** PostgreSQL URL; without one the mirror lives in an SQLite file. */
  databaseUrl?: string;
  sqlitePath: string;
  stripeApiKey?: string;
  stripe: StripeClientSettings;
  /** Signing secret of the webhook endpoint; with the emulator, the one it gives. */
  webhookSecret?: string;
  adminToken: string;
  adminTokenGenerated: boolean;
}

/** Reads the sample's settings from the environment (see README.md). */
export function readSampleConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  return {
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 3000),
    databaseUrl: env.DATABASE_URL || undefined,
    sqlitePath: env.SQLITE_PATH ?? 'stripe-sync.sqlite',
    stripeApiKey: env.STRIPE_API_KEY || undefined,
    stripe: env.STRIPE_API_BASE ? stripeSettingsFrom(env.STRIPE_API_BASE) : {},
    webhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
    adminToken: env.ADMIN_TOKEN || randomBytes(24).toString('base64url'),
    adminTokenGenerated: !env.ADMIN_TOKEN,
  };
}

/** `http://127.0.0.1:12111` → the client's host, port and protocol. */
export function stripeSettingsFrom(base: string): StripeClientSettings {
  const url = new URL(base);
  const protocol = url.protocol.replace(':', '') as 'http' | 'https';
  return { host: url.hostname, port: Number(url.port || (protocol === 'https' ? 443 : 80)), protocol };
}
