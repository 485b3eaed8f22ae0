import { validateCronExpression } from 'cron';
import { defaultRequestRate } from './stripe/stripe-request-governor.js';
import type {
  ResolvedStripeSyncOptions,
  StripeSyncModuleExtras,
  StripeSyncModuleOptions,
} from './interfaces/stripe-sync-options.interface.js';
import { isTimeZone } from './persistence/migrations/index.js';
import type { MirroredObjectDefinition } from './objects/mirrored-object.js';
import { BUILT_IN_OBJECTS } from './objects/mirrored-objects.js';

/** Thrown at start-up when an option is missing or malformed; the message names the option. */
export class StripeSyncOptionsError extends Error {
  constructor(option: string, problem: string) {
    super(`StripeSyncModule: option "${option}" ${problem}`);
    this.name = 'StripeSyncOptionsError';
  }
}

const MIN_ADMIN_TOKEN_LENGTH = 16;
/** Room for a batch of 1,000 Stripe objects of 10 kB. */
const DEFAULT_JSON_BODY_LIMIT = 10 * 1024 * 1024;

/** Validates the options given to `forRoot`/`forRootAsync` and applies the defaults. */
export function resolveStripeSyncOptions(options: StripeSyncModuleOptions | undefined): ResolvedStripeSyncOptions {
  if (!options || typeof options !== 'object') {
    throw new StripeSyncOptionsError('apiKey', 'is required: pass a Stripe secret key or an options object');
  }
  const {
    apiKey,
    stripe = {},
    adminToken,
    guard,
    schedule = {},
    concurrency = 8,
    parallelism = 4,
    maxParallelism = 64,
    writeConcurrency = 4,
    webhookSecret,
    webhookTolerance = 300,
    requestsPerSecond,
    pastDueIsActive = false,
    jsonBodyLimit = DEFAULT_JSON_BODY_LIMIT,
    connect = false,
    connectWebhookSecret,
  } = options;

  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new StripeSyncOptionsError('apiKey', 'is required (a Stripe secret key, sk_… or rk_…)');
  }
  if (!/^(sk|rk)_/.test(apiKey)) {
    throw new StripeSyncOptionsError('apiKey', 'must be a secret (sk_…) or restricted (rk_…) key');
  }
  if (adminToken !== undefined && (typeof adminToken !== 'string' || adminToken.length < MIN_ADMIN_TOKEN_LENGTH)) {
    throw new StripeSyncOptionsError('adminToken', `must be a string of at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }
  if (guard !== undefined && typeof guard?.canActivate !== 'function') {
    throw new StripeSyncOptionsError('guard', 'must be a guard instance (an object with canActivate)');
  }
  if ('cron' in options) {
    throw new StripeSyncOptionsError('cron', 'was replaced by schedule: { catchUp, fullSync } (or schedule: false)');
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100) {
    throw new StripeSyncOptionsError('concurrency', 'must be an integer from 1 to 100');
  }
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 64) {
    throw new StripeSyncOptionsError('parallelism', 'must be an integer from 1 to 64');
  }
  if (!Number.isInteger(maxParallelism) || maxParallelism < parallelism || maxParallelism > 256) {
    throw new StripeSyncOptionsError('maxParallelism', `must be an integer from parallelism (${parallelism}) to 256`);
  }
  if (!Number.isInteger(writeConcurrency) || writeConcurrency < 1 || writeConcurrency > 100) {
    throw new StripeSyncOptionsError('writeConcurrency', 'must be an integer from 1 to 100');
  }
  if (stripe.protocol !== undefined && stripe.protocol !== 'http' && stripe.protocol !== 'https') {
    throw new StripeSyncOptionsError('stripe.protocol', 'must be "http" or "https"');
  }
  const webhookSecrets = signingSecrets('webhookSecret', webhookSecret);
  const connectWebhookSecrets = signingSecrets('connectWebhookSecret', connectWebhookSecret);
  if (
    connect !== false &&
    (typeof connect !== 'object' ||
      connect === null ||
      !(
        connect.accounts === 'all' ||
        (Array.isArray(connect.accounts) && connect.accounts.every((id) => typeof id === 'string' && /^acct_[A-Za-z0-9]+$/.test(id)))
      ))
  ) {
    throw new StripeSyncOptionsError('connect', "must be false, { accounts: 'all' } or { accounts: ['acct_…', …] }");
  }
  if (!Number.isInteger(webhookTolerance) || webhookTolerance < 1) {
    throw new StripeSyncOptionsError('webhookTolerance', 'must be a whole number of seconds');
  }
  const rate = requestsPerSecond ?? defaultRequestRate(apiKey);
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
    throw new StripeSyncOptionsError('requestsPerSecond', 'must be a number of requests per second (0: no pacing)');
  }
  if (typeof pastDueIsActive !== 'boolean') throw new StripeSyncOptionsError('pastDueIsActive', 'must be true or false');
  if (!Number.isInteger(jsonBodyLimit) || jsonBodyLimit < 1024)
    throw new StripeSyncOptionsError('jsonBodyLimit', 'must be a number of bytes, at least 1024');
  return {
    apiKey,
    stripe,
    adminToken,
    guard,
    schedule: resolveSchedule(schedule),
    concurrency,
    parallelism,
    maxParallelism,
    writeConcurrency,
    webhookSecrets,
    webhookTolerance,
    requestsPerSecond: rate,
    pastDueIsActive,
    jsonBodyLimit,
    connect,
    connectWebhookSecrets,
  };
}

const DEFAULT_SCHEDULE = { catchUp: '*/5 * * * *', fullSync: '0 3 * * *', timeZone: 'UTC' } as const;

function resolveSchedule(schedule: StripeSyncModuleOptions['schedule']): ResolvedStripeSyncOptions['schedule'] {
  if (schedule === false) return { ...DEFAULT_SCHEDULE, catchUp: false, fullSync: false };
  if (typeof schedule !== 'object' || schedule === null) {
    throw new StripeSyncOptionsError('schedule', 'must be false or { catchUp?, fullSync?, timeZone? }');
  }
  const resolved = { ...DEFAULT_SCHEDULE, ...schedule };
  for (const job of ['catchUp', 'fullSync'] as const) {
    const cron = resolved[job];
    if (cron !== false && (typeof cron !== 'string' || !validateCronExpression(cron).valid)) {
      throw new StripeSyncOptionsError(`schedule.${job}`, `must be a cron expression or false, got ${JSON.stringify(cron)}`);
    }
  }
  if (typeof resolved.timeZone !== 'string' || !isTimeZone(resolved.timeZone)) {
    throw new StripeSyncOptionsError(
      'schedule.timeZone',
      `must be an IANA time zone such as "UTC" or "Europe/Paris", got ${JSON.stringify(resolved.timeZone)}`,
    );
  }
  return resolved;
}

function signingSecrets(option: string, value: string | string[] | undefined): string[] {
  const secrets = value === undefined ? [] : [value].flat();
  if (
    (value !== undefined && secrets.length === 0) ||
    secrets.some((secret) => typeof secret !== 'string' || !secret.startsWith('whsec_'))
  ) {
    throw new StripeSyncOptionsError(option, 'must be a signing secret (whsec_…) or a list of them');
  }
  return secrets;
}

/** The types `objects` names, built-in or declared by the app; default every built-in one. */
export function resolveObjects(objects: StripeSyncModuleExtras['objects']): MirroredObjectDefinition[] {
  if (objects === undefined) return Object.values(BUILT_IN_OBJECTS);
  if (!Array.isArray(objects) || objects.length === 0) {
    throw new StripeSyncOptionsError('objects', `must list the types to mirror (${Object.keys(BUILT_IN_OBJECTS).join(', ')}, or your own)`);
  }
  const definitions = objects.map((object) => {
    if (typeof object !== 'string') return object;
    if (!Object.hasOwn(BUILT_IN_OBJECTS, object)) {
      throw new StripeSyncOptionsError(
        'objects',
        `names an unknown type "${object}" (built-in: ${Object.keys(BUILT_IN_OBJECTS).join(', ')})`,
      );
    }
    return BUILT_IN_OBJECTS[object];
  });
  for (const key of ['name', 'resource', 'service'] as const) {
    const seen = new Set<unknown>();
    for (const definition of definitions) {
      if (typeof definition !== 'object' || definition === null || !definition[key]) {
        throw new StripeSyncOptionsError('objects', 'must hold type names or declarations made with defineMirroredObject');
      }
      if (seen.has(definition[key]))
        throw new StripeSyncOptionsError(
          'objects',
          `has two types with the ${key} ${String((definition[key] as { name?: string }).name ?? definition[key])}`,
        );
      seen.add(definition[key]);
    }
  }
  return definitions;
}

/** Normalises the route prefix: no leading or trailing slash, only URL-safe path characters. */
export function resolveRoutePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9_~.-]+(\/[A-Za-z0-9_~.-]+)*$/.test(trimmed)) {
    throw new StripeSyncOptionsError('routePrefix', `must be a path such as "stripe", got ${JSON.stringify(prefix)}`);
  }
  return trimmed;
}
