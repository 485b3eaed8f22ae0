import type Stripe from 'stripe';
import { planTemplate, priceTemplate, subscriptionItemTemplate, subscriptionTemplate, wireDecimal } from './emulator.fixtures.js';

export interface SeedOptions {
  /** How many subscriptions to generate. */
  subscriptions: number;
  /** PRNG seed, default 1: the same seed (and `now`) gives the same ids, timestamps and items. */
  seed?: number;
  /** Fewest items per subscription, default 1. */
  minItems?: number;
  /** Most items per subscription, default 15, so a good share has more than the 10 Stripe embeds. */
  maxItems?: number;
  /**
   * Share of subscriptions with 11 to 20 items (Stripe's most) whatever `minItems` and `maxItems` say, default 0:
   * with 1 to 3 items and 0.01, an account as real ones are, where few lists go beyond the 10 Stripe embeds.
   */
  denseShare?: number;
  /** Share of canceled subscriptions, default 0.2; the rest spread over the other statuses, mostly active. */
  canceledShare?: number;
  /** Distinct customers among the subscriptions, default max(1, subscriptions / 2). */
  customers?: number;
  /** Customers without a subscription, besides those, default 0. */
  extraCustomers?: number;
  /**
   * Fewest and most invoices per subscription, default [1, 3]: one per billing period, the newest
   * ones, so fewer when fewer periods have begun. [0, 0] turns invoices (and payments) off.
   */
  invoicesPerSubscription?: readonly [number, number];
  /** Share of successful charges that have a refund (full or partial), default 0.05. */
  refundShare?: number;
  /** Unix seconds the data is relative to; default the start of the current UTC day, so that runs on one day agree. */
  now?: number;
}

type Status = Stripe.Subscription.Status;
type Interval = 'month' | 'year';

/** The subscriptions of one `seed()` call, with the settings they share. */
export interface SeedBatch {
  /** How many seed calls came before, in every account: ids encode it, so that they stay unique across accounts. */
  index: number;
  /** The account's catalog, which its items' prices come from: '' for the platform, see `catalogId`. */
  catalog: string;
  /** The PRNG seed the batch was generated from. */
  seed: number;
  now: number;
  minItems: number;
  maxItems: number;
  denseShare: number;
  /** Fewest and most invoices per subscription. */
  invoices: readonly [number, number];
  refundShare: number;
  extraCustomers: number;
  /** By index; a removed subscription leaves a hole, so that the indexes in ids stay valid. */
  records: (SeededSubscription | undefined)[];
}

/**
 * What the store keeps for a generated subscription: the fields lists filter and sort on, plus a
 * PRNG seed from which `renderSeeded` rebuilds everything else. A million full objects would take
 * gigabytes; these take 72 bytes each. The id is derived, not stored, and every number is below
 * 2^31, which 64-bit V8 keeps inline as a small integer rather than as a boxed double.
 */
export class SeededSubscription {
  constructor(
    readonly batch: SeedBatch,
    readonly index: number,
    readonly created: number,
    readonly status: Status,
    readonly customer: string,
    /** 30 bits. */
    readonly seed: number,
  ) {}

  get id(): string {
    return seededId(this.batch.index, this.index, this.seed);
  }
}

export const DAY = 86_400;
export const YEAR = 365 * DAY;

/** Mulberry32: a small, fast PRNG; good enough for test data and fully determined by its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = ALPHANUMERIC.length;
const UNDERSCORE = '_'.charCodeAt(0);

/** `prefix_` and one alphanumeric per digit (0..61). */
function idOf(prefix: string, digits: number[]): string {
  const codes: number[] = [];
  for (let i = 0; i < prefix.length; i++) codes.push(prefix.charCodeAt(i));
  codes.push(UNDERSCORE);
  for (const digit of digits) codes.push(ALPHANUMERIC.charCodeAt(digit));
  // One flat string: appending char by char would leave a chain of string nodes per id, hundreds of bytes each.
  return String.fromCharCode.apply(null, codes);
}

/** An id shaped like Stripe's: `prefix_` and `length` alphanumerics. */
export function makeId(prefix: string, length: number, random: () => number): string {
  return idOf(prefix, randomDigits(length, random));
}

/** `count` characters of `alphabet` (default alphanumerics), drawn from `random`: secrets, fingerprints, links. */
export function token(random: () => number, count: number, alphabet = ALPHANUMERIC): string {
  let text = '';
  for (let i = 0; i < count; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

export function randomDigits(length: number, random: () => number): number[] {
  const digits: number[] = [];
  for (let i = 0; i < length; i++) digits.push(Math.floor(random() * BASE));
  return digits;
}

/** A generated id is 16 random characters, then 8 that encode its batch (3 digits) and index (5). */
const ID_RANDOM = 16;
const ID_POSITION = 8;
export const PER_BATCH = BASE ** 5;
const MAX_BATCHES = BASE ** 3;
/** A generated item id is 4 random characters, then its subscription's 8 position digits and its own index (2). */
const ITEM_ID_LENGTH = 14;
const INDEX_DIGITS = 2;
const MAX_ITEMS = BASE ** INDEX_DIGITS;
/** Invoices of a subscription are numbered in 2 digits of their ids, newest first. */
export const MAX_INVOICES = BASE ** INDEX_DIGITS;

/**
 * The id of a generated subscription. The store finds a record from its id alone, with no index
 * of a million strings: the position digits are offset by the random ones before them, so that
 * the id still looks random.
 */
function seededId(batch: number, index: number, seed: number): string {
  return positionalId('sub', randomDigits(ID_RANDOM, prng(seed ^ 0x2545f491)), digitsOf(batch * PER_BATCH + index, ID_POSITION));
}

/**
 * The id of the `itemIndex`th generated item of a subscription: unique because its position is in it (random
 * digits alone collide within a million subscriptions, whose PRNG streams overlap).
 */
function seededItemId(record: SeededSubscription, itemIndex: number, random: () => number): string {
  // Draws as many digits as a random id of this length, so that the rest of the generated data stays the same.
  const drawn = randomDigits(ITEM_ID_LENGTH, random);
  const position = positionDigits(record).concat(indexDigits(itemIndex));
  return positionalId('si', drawn.slice(0, ITEM_ID_LENGTH - position.length), position);
}

function positionDigits(record: SeededSubscription): number[] {
  return digitsOf(record.batch.index * PER_BATCH + record.index, ID_POSITION);
}

/** An index among a subscription's children (items, invoices, lines) as it appears in their ids. */
export function indexDigits(index: number): number[] {
  return digitsOf(index, INDEX_DIGITS);
}

/**
 * The id of an object generated for a subscription (an item, an invoice and its payment, a line):
 * `length` characters, the random `drawn` ones first, then the subscription's position and the
 * `indexes` that tell its children apart. Unique per prefix, as positions are.
 */
export function childId(prefix: string, record: SeededSubscription, indexes: number[][], drawn: number[], length = 24): string {
  const position = positionDigits(record).concat(...indexes);
  return maskedId(prefix, drawn.slice(0, length - position.length), position);
}

/** An id of `length` characters that ends with the batch and `index` of a generated object (such as a customer without subscriptions). */
export function batchId(prefix: string, batch: number, index: number, random: () => number, length: number): string {
  return maskedId(prefix, randomDigits(length - ID_POSITION, random), digitsOf(batch * PER_BATCH + index, ID_POSITION));
}

/** `random` digits, then the `position` digits each offset by a random one. */
function positionalId(prefix: string, random: number[], position: number[]): string {
  return idOf(prefix, random.concat(position.map((digit, i) => (digit + random[i % random.length]) % BASE)));
}

/**
 * Like `positionalId`, with the offsets drawn from a PRNG that the random digits seed: positions
 * that share most digits (zeros) still give random-looking ids. For ids that are looked up in a
 * map, not decoded; they stay unique per position, as the offsets depend on the random digits only.
 */
function maskedId(prefix: string, random: number[], position: number[]): string {
  let seed = 0;
  for (const digit of random) seed = Math.imul(seed ^ digit, 0x01000193) + 1;
  const mask = prng(seed);
  return idOf(prefix, random.concat(position.map((digit) => (digit + Math.floor(mask() * BASE)) % BASE)));
}

/** `value` in `width` base-62 digits, most significant first. */
function digitsOf(value: number, width: number): number[] {
  const digits: number[] = [];
  for (let i = width - 1; i >= 0; i--) {
    digits[i] = value % BASE;
    value = Math.floor(value / BASE);
  }
  return digits;
}

/** Where the generated subscription with this id would be; the caller checks that the whole id matches. */
export function locateSeeded(id: string): { batch: number; index: number } | undefined {
  if (!/^sub_[0-9A-Za-z]{24}$/.test(id)) return undefined;
  const digit = (offset: number) => ALPHANUMERIC.indexOf(id[4 + offset]);
  let position = 0;
  for (let i = 0; i < ID_POSITION; i++) position = position * BASE + ((digit(ID_RANDOM + i) - digit(i) + BASE) % BASE);
  return { batch: Math.floor(position / PER_BATCH), index: position % PER_BATCH };
}

export function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  let roll = random() * weighted.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return weighted[weighted.length - 1][0];
}

const LIVE_STATUSES: readonly (readonly [Status, number])[] = [
  ['active', 75],
  ['trialing', 8],
  ['past_due', 6],
  ['unpaid', 3],
  ['paused', 3],
  ['incomplete_expired', 3],
  ['incomplete', 2],
];

/** How long ago (in seconds, [oldest, newest]) a subscription in this status can have been created. */
const CREATED_WINDOW: Partial<Record<Status, readonly [number, number]>> = {
  trialing: [14 * DAY - 1, 0], // still inside the shortest trial
  incomplete: [23 * 3600 - 1, 0], // Stripe expires incomplete subscriptions after 23 hours
  incomplete_expired: [3 * YEAR, DAY],
  paused: [3 * YEAR, 31 * DAY], // a trial that ended without a payment method
};
const DEFAULT_CREATED_WINDOW = [3 * YEAR, 0] as const;

function resolveOptions(options: SeedOptions) {
  const subscriptions = options.subscriptions;
  const resolved = {
    subscriptions,
    seed: options.seed ?? 1,
    minItems: options.minItems ?? 1,
    maxItems: options.maxItems ?? 15,
    denseShare: options.denseShare ?? 0,
    canceledShare: options.canceledShare ?? 0.2,
    customers: options.customers ?? Math.max(1, Math.floor(subscriptions / 2)),
    extraCustomers: options.extraCustomers ?? 0,
    invoices: options.invoicesPerSubscription ?? ([1, 3] as const),
    refundShare: options.refundShare ?? 0.05,
    now: options.now ?? Math.floor(Date.now() / 1000 / DAY) * DAY,
  };
  const { minItems, maxItems, denseShare, canceledShare, customers, extraCustomers, invoices, refundShare } = resolved;
  if (!Number.isInteger(subscriptions) || subscriptions < 0 || subscriptions > PER_BATCH) {
    throw new RangeError(`seed: subscriptions must be an integer within 0..${PER_BATCH}`);
  }
  if (!Number.isInteger(minItems) || !Number.isInteger(maxItems) || minItems < 1 || maxItems < minItems || maxItems > MAX_ITEMS) {
    throw new RangeError(`seed: need integers 1 <= minItems <= maxItems <= ${MAX_ITEMS}`);
  }
  if (!(denseShare >= 0 && denseShare <= 1)) throw new RangeError('seed: denseShare must be within 0..1');
  if (!(canceledShare >= 0 && canceledShare <= 1)) throw new RangeError('seed: canceledShare must be within 0..1');
  if (!Number.isInteger(customers) || customers < 1) throw new RangeError('seed: customers must be an integer >= 1');
  if (!Number.isInteger(extraCustomers) || extraCustomers < 0 || extraCustomers > PER_BATCH) {
    throw new RangeError(`seed: extraCustomers must be an integer within 0..${PER_BATCH}`);
  }
  const [minInvoices, maxInvoices] = invoices;
  if (
    !Number.isInteger(minInvoices) ||
    !Number.isInteger(maxInvoices) ||
    minInvoices < 0 ||
    maxInvoices < minInvoices ||
    maxInvoices >= MAX_INVOICES
  ) {
    throw new RangeError(`seed: invoicesPerSubscription must be integers [min, max] with 0 <= min <= max < ${MAX_INVOICES}`);
  }
  if (!(refundShare >= 0 && refundShare <= 1)) throw new RangeError('seed: refundShare must be within 0..1');
  if (!Number.isInteger(resolved.now)) throw new RangeError('seed: now must be an integer (Unix seconds)');
  return resolved;
}

/** What one seed call generated: the subscriptions, and the customers they name. */
export interface GeneratedSubscriptions {
  batch: SeedBatch;
  /** The customers' ids, each with its oldest subscription (undefined for an id no subscription took). */
  customers: { id: string; firstSubscription: SeededSubscription | undefined }[];
}

/**
 * Generates the compact records of `options.subscriptions` subscriptions; `batchIndex` is how many seed calls came
 * before (in any account), `catalog` the account's catalog.
 */
export function generateSubscriptions(options: SeedOptions, batchIndex: number, catalog = ''): GeneratedSubscriptions {
  const { subscriptions, seed, minItems, maxItems, denseShare, canceledShare, customers, extraCustomers, invoices, refundShare, now } =
    resolveOptions(options);
  if (batchIndex >= MAX_BATCHES) throw new RangeError(`seed: at most ${MAX_BATCHES} seed calls per emulator`);
  const random = prng(Math.imul(seed, 0x9e3779b1) ^ batchIndex);
  const batch: SeedBatch = {
    index: batchIndex,
    catalog,
    seed,
    now,
    minItems,
    maxItems,
    denseShare,
    invoices,
    refundShare,
    extraCustomers,
    records: [],
  };
  const customerIds = Array.from({ length: Math.min(customers, Math.max(subscriptions, 1)) }, () => makeId('cus', 14, random));
  const firstSubscriptions = new Array<SeededSubscription | undefined>(customerIds.length).fill(undefined);
  let previousCreated: number | undefined;
  for (let i = 0; i < subscriptions; i++) {
    const status = random() < canceledShare ? 'canceled' : pick(random, LIVE_STATUSES);
    const window = CREATED_WINDOW[status];
    const [oldest, newest] = window ?? DEFAULT_CREATED_WINDOW;
    let created = now - between(random, newest, oldest);
    // Bulk imports create several subscriptions in the same second; keep some ties in the data.
    if (!window && previousCreated !== undefined && random() < 0.05) created = previousCreated;
    if (!window) previousCreated = created;
    // The first subscriptions go to distinct customers so that exactly `customers` of them appear.
    const customerIndex = i < customerIds.length ? i : Math.floor(random() * customerIds.length);
    const record = new SeededSubscription(batch, i, created, status, customerIds[customerIndex], Math.floor(random() * 2 ** 30));
    batch.records.push(record);
    const first = firstSubscriptions[customerIndex];
    if (!first || record.created < first.created) firstSubscriptions[customerIndex] = record;
  }
  return { batch, customers: customerIds.map((id, index) => ({ id, firstSubscription: firstSubscriptions[index] })) };
}

/** Adds one billing interval in UTC, whole months and years as Stripe's billing periods do. */
export function addInterval(timestamp: number, interval: Stripe.Price.Recurring.Interval): number {
  const date = new Date(timestamp * 1000);
  if (interval === 'day' || interval === 'week') date.setUTCDate(date.getUTCDate() + (interval === 'day' ? 1 : 7));
  else if (interval === 'month') date.setUTCMonth(date.getUTCMonth() + 1);
  else date.setUTCFullYear(date.getUTCFullYear() + 1);
  return date.getTime() / 1000;
}

/** The billing period, counted from `anchor`, that contains `moment`. */
function periodAt(anchor: number, interval: Interval, moment: number): [number, number] {
  let start = anchor;
  let end = addInterval(start, interval);
  while (end <= moment) [start, end] = [end, addInterval(end, interval)];
  return [start, end];
}

const CURRENCIES = [
  ['usd', 70],
  ['eur', 20],
  ['gbp', 10],
] as const;
const MONTHLY_AMOUNTS = [900, 1900, 2900, 4900, 9900, 500, 1500, 25000];
const PRODUCT_CATALOG_SIZE = 20;
/** Most items of a dense subscription: Stripe's limit. */
const DENSE_ITEMS = 20;
export const CATALOG_CREATED = 1_600_000_000; // Sep 2020: the catalog predates every generated subscription

/** The platform's catalog ids by key. */
const catalogIds = new Map<string, string>();
/** By catalog name, the digits a connected account's catalog ids are shifted by. */
const catalogShifts = new Map<string, number[]>();
const DIGIT_OF = new Int8Array(128);
for (let digit = 0; digit < BASE; digit++) DIGIT_OF[ALPHANUMERIC.charCodeAt(digit)] = digit;

/**
 * The ids of a fixed catalog shared by all seeds of one account, like one Stripe account's products and
 * prices. `catalog` names the account's catalog: '' for the platform, whose ids stay what they were before
 * there were connected accounts. Another catalog's ids are the platform's with each alphanumeric shifted
 * by digits of that catalog's own: unique within it as the platform's are, and apart from every other
 * catalog's, yet cheap to make, as a thousand accounts make theirs on every render.
 */
function catalogId(prefix: 'prod' | 'price', key: string, catalog: string): string {
  const cacheKey = `${prefix}:${key}`;
  let id = catalogIds.get(cacheKey);
  if (!id) {
    let hash = 0;
    for (const char of cacheKey) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    id = makeId(prefix, prefix === 'prod' ? 14 : 24, prng(hash));
    catalogIds.set(cacheKey, id);
  }
  return catalog === '' ? id : shiftedId(id, prefix.length + 1, catalog);
}

function shiftedId(id: string, start: number, catalog: string): string {
  let shift = catalogShifts.get(catalog);
  if (!shift) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < catalog.length; i++) hash = Math.imul(hash ^ catalog.charCodeAt(i), 0x01000193);
    shift = randomDigits(24, prng(hash));
    catalogShifts.set(catalog, shift);
  }
  const codes: number[] = [];
  for (let i = 0; i < id.length; i++) {
    codes.push(
      i < start ? id.charCodeAt(i) : ALPHANUMERIC.charCodeAt((DIGIT_OF[id.charCodeAt(i)] + shift[(i - start) % shift.length]) % BASE),
    );
  }
  return String.fromCharCode.apply(null, codes);
}

export interface CatalogPrice {
  price: Stripe.Price;
  /** The legacy plan Stripe embeds next to an item's price: the same price seen as a plan. */
  plan: Stripe.Plan;
}

/** The legacy plan Stripe embeds next to a recurring item's price: the same price seen as a plan. */
export function planOf(price: Stripe.Price): Stripe.Plan {
  const { id, active, created, currency, product, nickname, metadata, unit_amount, unit_amount_decimal } = price;
  const recurring = price.recurring ?? priceTemplate.recurring!;
  return {
    ...planTemplate,
    id,
    active,
    created,
    currency,
    product,
    nickname,
    metadata,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    amount: unit_amount,
    amount_decimal: unit_amount_decimal,
  };
}

/**
 * The platform's prices served so far, by id; shared, so that rendering a million items builds a hundred prices.
 * A connected account's are built on each render instead: a thousand small accounts do not keep a thousand catalogs.
 */
const platformPrices = new Map<string, CatalogPrice>();

function makePrice(
  id: string,
  product: string,
  interval: Interval,
  currency: string,
  amount: number,
  created: number,
  catalog: string,
): CatalogPrice {
  const price: Stripe.Price = {
    ...priceTemplate,
    id,
    created,
    currency,
    product,
    recurring: { ...priceTemplate.recurring!, interval },
    unit_amount: amount,
    unit_amount_decimal: wireDecimal(String(amount)),
  };
  const entry = { price, plan: planOf(price) };
  if (catalog === '') platformPrices.set(id, entry);
  return entry;
}

/** The intervals and currencies each product of the catalog has a price in; the first is the default price's. */
export const CATALOG_TERMS: readonly (readonly [Interval, string])[] = (['month', 'year'] as const).flatMap((interval) =>
  CURRENCIES.map(([currency]) => [interval, currency] as const),
);

/** The id of the catalog's price of `product` (an index) in one interval and currency, without building the price. */
export function catalogPriceId(product: number, interval: Interval, currency: string, catalog: string): string {
  return catalogId('price', `${product}:${interval}:${currency}`, catalog);
}

/** When the catalog's product (an index) and its prices were created. */
export function catalogCreated(product: number): number {
  return CATALOG_CREATED + product * DAY;
}

/** The catalog's price of `product` (an index) in one interval and currency. */
export function catalogPrice(product: number, interval: Interval, currency: string, catalog: string): CatalogPrice {
  const id = catalogPriceId(product, interval, currency, catalog);
  const amount = MONTHLY_AMOUNTS[product % MONTHLY_AMOUNTS.length] * (interval === 'year' ? 10 : 1);
  const cached = catalog === '' ? platformPrices.get(id) : undefined;
  return cached ?? makePrice(id, catalogProductId(product, catalog), interval, currency, amount, catalogCreated(product), catalog);
}

export function catalogProductId(product: number, catalog: string): string {
  return catalogId('prod', String(product), catalog);
}

/** How many products the subscriptions of a batch draw their items from. */
export function catalogSizeOf(batch: SeedBatch): number {
  return Math.max(PRODUCT_CATALOG_SIZE, batch.maxItems, batch.denseShare > 0 ? DENSE_ITEMS : 0);
}

/** The product a made-up price (see `priceById`) belongs to, in the account of `catalog`. */
export function madeUpProductId(priceId: string, catalog: string): string {
  return catalogId('prod', priceId, catalog);
}

/**
 * The price with this id: one the platform served, or else a monthly USD price made up for the id, whose
 * product is of the account of `catalog`. A client can subscribe to a price without creating it first.
 */
export function priceById(id: string, catalog = ''): CatalogPrice {
  const cached = catalog === '' ? platformPrices.get(id) : undefined;
  return cached ?? makePrice(id, madeUpProductId(id, catalog), 'month', 'usd', priceTemplate.unit_amount!, CATALOG_CREATED, catalog);
}

const CANCELLATION_FEEDBACK = ['too_expensive', 'unused', 'switched_service', 'missing_features', null] as const;
const PLAN_TIERS = ['starter', 'pro', 'enterprise'];

/**
 * Rebuilds the full Stripe object of a generated subscription, with all its items. Nested objects
 * that never vary are shared with the templates: serialize or clone the result, never mutate it.
 */
export function renderSeeded(record: SeededSubscription): Stripe.Subscription {
  const { id, created, status, customer, batch } = record;
  const random = prng(record.seed);
  const { interval, currency } = termsOf(random);
  const sendInvoice = random() < 0.1;
  const trialDays = random() < 0.5 ? 14 : 30;

  let canceledAt: number | null = null;
  let endedAt: number | null = null;
  if (status === 'canceled') canceledAt = endedAt = between(random, created, batch.now);
  if (status === 'incomplete_expired') endedAt = created + 23 * 3600;
  const until = endedAt ?? batch.now;

  // Trialing and paused subscriptions had a trial by definition; some others had one that is over.
  const hadTrial = status === 'trialing' || status === 'paused' || random() < 0.15;
  const trialEnd = created + trialDays * DAY;
  const trial = hadTrial && (status === 'trialing' || trialEnd <= until) ? { start: created, end: trialEnd } : null;
  const anchor = trial?.end ?? created;
  const [periodStart, periodEnd] = status === 'trialing' ? [created, trialEnd] : periodAt(anchor, interval, until);

  const cancelAtPeriodEnd = status === 'active' && random() < 0.05;
  if (cancelAtPeriodEnd) canceledAt = between(random, periodStart, batch.now);
  const scheduledCancel = status === 'canceled' && random() < 0.4;
  const cancelAt = cancelAtPeriodEnd ? periodEnd : scheduledCancel ? endedAt : null;

  const metadata: Record<string, string> = {};
  if (random() < 0.3) {
    metadata.account_id = `acct-${between(random, 1000, 99999)}`;
    if (random() < 0.5) metadata.plan_tier = PLAN_TIERS[between(random, 0, PLAN_TIERS.length - 1)];
  }

  const items = generateItems(random, record, interval, currency, until, periodStart, periodEnd);
  return {
    ...subscriptionTemplate,
    id,
    billing_cycle_anchor: anchor,
    cancel_at: cancelAt,
    cancel_at_period_end: cancelAtPeriodEnd,
    canceled_at: canceledAt,
    cancellation_details:
      canceledAt === null
        ? subscriptionTemplate.cancellation_details
        : {
            comment: null,
            feedback: CANCELLATION_FEEDBACK[between(random, 0, CANCELLATION_FEEDBACK.length - 1)],
            feedback_option: null,
            reason: 'cancellation_requested',
          },
    collection_method: sendInvoice ? 'send_invoice' : 'charge_automatically',
    created,
    currency,
    customer,
    days_until_due: sendInvoice ? 30 : null,
    default_payment_method: sendInvoice ? null : makeId('pm', 24, random),
    ended_at: endedAt,
    items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: latestInvoiceOf(record, random),
    metadata,
    start_date: created,
    status,
    trial_end: trial?.end ?? null,
    trial_start: trial?.start ?? null,
  };
}

/** The first draws of a generated subscription: how often it bills, and in which currency. */
function termsOf(random: () => number): { interval: Interval; currency: string } {
  const interval: Interval = random() < 0.8 ? 'month' : 'year';
  return { interval, currency: pick(random, CURRENCIES) };
}

/** The currency of a generated subscription, without rendering it. */
export function seededCurrency(record: SeededSubscription): string {
  return termsOf(prng(record.seed)).currency;
}

/**
 * How many invoices a generated subscription's billing stream allows (the billing periods may
 * allow fewer), and that stream, which continues with the invoices' own draws. A stream of its
 * own, so that the subscriptions stay as they were before invoices were generated.
 */
export function invoiceDraw(record: SeededSubscription): { count: number; random: () => number } {
  const random = prng(record.seed ^ 0x1b873593);
  const [min, max] = record.batch.invoices;
  return { count: max === 0 ? 0 : between(random, min, max), random };
}

/**
 * The id of the newest invoice, or null: none for one subscription in twenty, as before invoices
 * were generated, and none when the batch generates none. Invoices are numbered newest first, so
 * the id does not depend on how many there are. Draws as many digits as a random id.
 */
function latestInvoiceOf(record: SeededSubscription, random: () => number): string | null {
  if (random() < 0.05) return null;
  const drawn = randomDigits(24, random);
  return invoiceDraw(record).count > 0 ? childId('in', record, [indexDigits(0)], drawn) : null;
}

function generateItems(
  random: () => number,
  record: SeededSubscription,
  interval: Interval,
  currency: string,
  until: number,
  periodStart: number,
  periodEnd: number,
): Stripe.SubscriptionItem[] {
  const { id, created, batch } = record;
  // Drawn only when asked for, so that the data of every seed without dense subscriptions stays as it was.
  const dense = batch.denseShare > 0 && random() < batch.denseShare;
  const count = dense ? between(random, 11, DENSE_ITEMS) : between(random, batch.minItems, batch.maxItems);
  // A subscription holds each price at most once, so draw distinct products.
  const catalogSize = catalogSizeOf(batch);
  const products = new Set<number>();
  while (products.size < count) products.add(between(random, 0, catalogSize - 1));
  const items = [...products].map((product, index): Stripe.SubscriptionItem => ({
    ...subscriptionItemTemplate,
    ...catalogPrice(product, interval, currency, batch.catalog),
    id: seededItemId(record, index, random),
    // Most items come with the subscription; some were added later.
    created: index === 0 || random() < 0.7 ? created : between(random, created, until),
    current_period_start: periodStart,
    current_period_end: periodEnd,
    metadata: random() < 0.1 ? { seat_type: 'standard' } : {},
    quantity: random() < 0.7 ? 1 : between(random, 2, 50),
    subscription: id,
  }));
  // Stripe lists items oldest first; sort is stable, so ties keep their generated order.
  return items.sort((a, b) => a.created - b.created);
}
