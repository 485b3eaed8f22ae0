#!/usr/bin/env node
/**
 * Runs the Stripe emulator in a process of its own, for benchmarks and manual runs:
 *
 *   stripe-emulator --seed 1000000 --latency 40 --jitter 20 --rate 100
 *   stripe-emulator --seed 20000 --connect-accounts 1000 --account-subscriptions 20 --account-customers 20
 *
 * Flags (all optional):
 *   --port N          port on 127.0.0.1, default 12111; 0 picks a free one
 *   --seed N          subscriptions to generate, default 0
 *   --seed-value N    PRNG seed of the generated data, default 1
 *   --min-items N     fewest items per subscription, default 1
 *   --max-items N     most items per subscription, default 15
 *   --dense-share F   share of subscriptions with 11 to 20 items whatever --min-items and --max-items say,
 *                     default 0 (with --max-items 3 and 0.01: an account as real ones are)
 *   --customers N     distinct customers among the subscriptions, default half the subscriptions
 *   --extra-customers N
 *                     customers without a subscription, default 0
 *   --min-invoices N  fewest invoices per subscription, default 1 (0 if --max-invoices is 0)
 *   --max-invoices N  most invoices per subscription, default 3 (at least --min-invoices); one per
 *                     billing period begun, newest first; 0 generates no invoices, payment intents,
 *                     charges or refunds (and every latest_invoice is null): a million subscriptions
 *                     then seed in seconds
 *   --refund-share F  share of succeeded charges with a refund, full or partial, default 0.05
 *   --now UNIX        the time the generated data is relative to, default the start of the current UTC
 *                     day; the emulator clock (new subscriptions, events) keeps real time
 *   --latency MS      added to every API answer, default 0
 *   --jitter MS       up to this much more or less latency per request, default 0
 *   --rate N          requests per second before 429s, default 0: no limit
 *   --error-share F   share of requests answered 500, default 0
 *   --drop-share F    share of requests whose connection is closed unanswered, default 0
 *   --connect-accounts N
 *                     connected accounts to make, default 0; each is onboarded and seeded with data of its
 *                     own (its own customers, catalog, subscriptions, invoices and payments), read with the
 *                     `Stripe-Account: acct_…` header; the item, invoice, refund, seed-value and now flags
 *                     apply to them too
 *   --account-subscriptions N
 *                     subscriptions of each connected account, default 20
 *   --account-customers N
 *                     distinct customers among each connected account's subscriptions, default half of them
 *
 * Every subscription's customer is a customer of the account, every item's price and its product
 * are in the catalog, and each subscription's newest invoices (one line per item) are paid by a
 * payment intent and a charge, or are open, void or draft as the subscription's status says.
 *
 * Once listening it prints one JSON line to stdout:
 *   {"ready":true,"url":"http://127.0.0.1:12111","port":12111,"subscriptions":1000000,"accounts":0,"platformAccountId":"acct_…"}
 * SIGTERM or SIGINT stops it; it then exits with code 0.
 *
 * The control channel, on the same port, reports the true state to check a sync against. It needs
 * no API key, has no latency, faults or rate limit, and is not counted in the stats. Its pages read
 * the platform's data, or with `&account=acct_…` (`?account=` for stats) a connected account's:
 *   GET /_emulator/stats
 *     {"total":…,"byRoute":{"GET /v1/subscriptions":…},"byAccount":{"platform":…,"acct_…":…},"rateLimited":…,"subscriptions":…,
 *      "objects":{"subscription":…,"customer":…,"product":…,"price":…,"invoice":…,"payment_intent":…,"charge":…,"refund":…},
 *      "events":…,"accounts":…,"rssBytes":…}: `objects` counts what the lists serve (deleted customers and products are
 *     not counted); the request counts and `accounts` (connected accounts) are the emulator's, whatever the account.
 *   GET /_emulator/subscriptions/ids?offset=0&limit=10000
 *     {"data":["sub_…",…],"total":…,"has_more":…}: ids of every status in list order (newest first,
 *     ties by id descending), the order `GET /v1/subscriptions?status=all` pages through them.
 *   GET /_emulator/subscriptions/items?offset=0&limit=10000
 *     {"data":[{"id":"sub_…","items":["si_…",…]},…],"total":…,"has_more":…}: the same, with the ids of all
 *     the items of each subscription.
 *   GET /_emulator/objects/ids?type=customer&offset=0&limit=10000
 *     {"data":["cus_…",…],"total":…,"has_more":…}: ids of one type (customer, product, price, invoice,
 *     payment_intent, charge, refund or subscription) in the order its list pages through them (newest
 *     first, ties by id descending; every status for subscriptions).
 *   GET /_emulator/accounts/ids?offset=0&limit=10000
 *     {"data":["acct_…",…],"total":…,"has_more":…}: the connected accounts in the order `GET /v1/accounts` pages
 *     through them (newest first; deauthorized ones are left out, as there).
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { StripeEmulator } from './emulator.server.js';

const FLAGS = [
  'port',
  'seed',
  'seed-value',
  'min-items',
  'max-items',
  'dense-share',
  'customers',
  'extra-customers',
  'min-invoices',
  'max-invoices',
  'refund-share',
  'now',
  'latency',
  'jitter',
  'rate',
  'error-share',
  'drop-share',
  'connect-accounts',
  'account-subscriptions',
  'account-customers',
] as const;

type Flag = (typeof FLAGS)[number];

/** Starts the emulator the flags describe and prints the ready line; resolves once it listens. */
export async function main(
  argv: string[],
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<StripeEmulator> {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(FLAGS.map((flag) => [flag, { type: 'string' as const }])),
    strict: true,
  });
  const number = (flag: Flag): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) throw new TypeError(`--${flag}: not a number: ${raw}`);
    return value;
  };
  // Either bound alone keeps the other's default where it can: --max-invoices 0 means none at all.
  const [minInvoices, maxInvoices] = [number('min-invoices'), number('max-invoices')];
  const invoicesPerSubscription: [number, number] | undefined =
    minInvoices === undefined && maxInvoices === undefined
      ? undefined
      : [minInvoices ?? Math.min(1, maxInvoices!), maxInvoices ?? Math.max(3, minInvoices!)];
  // What the platform's and the connected accounts' data share.
  const shared = {
    seed: number('seed-value'),
    minItems: number('min-items'),
    maxItems: number('max-items'),
    denseShare: number('dense-share'),
    invoicesPerSubscription,
    refundShare: number('refund-share'),
    now: number('now'),
  };
  const accounts = number('connect-accounts') ?? 0;
  if (!Number.isInteger(accounts) || accounts < 0) throw new RangeError('--connect-accounts must be an integer >= 0');
  const emulator = await StripeEmulator.start({
    port: number('port') ?? 12111,
    seed: { ...shared, subscriptions: number('seed') ?? 0, customers: number('customers'), extraCustomers: number('extra-customers') },
    latency: { fixedMs: number('latency') ?? 0, jitterMs: number('jitter') },
    rateLimit: { perSecond: number('rate') ?? 0 },
    failures: { errorShare: number('error-share'), dropShare: number('drop-share') },
  });
  try {
    const seed = { ...shared, subscriptions: number('account-subscriptions') ?? 20, customers: number('account-customers') };
    for (let i = 0; i < accounts; i++) emulator.createAccount({ businessName: `Connected account ${i + 1}`, seed });
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  const ready = {
    ready: true,
    url: emulator.url,
    port: emulator.port,
    subscriptions: number('seed') ?? 0,
    accounts,
    platformAccountId: emulator.platformAccountId,
  };
  print(JSON.stringify(ready));
  return emulator;
}

// Run only as the program itself (through a bin symlink too), not when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (emulator) => {
      const stop = () => void emulator.stop();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`stripe-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
