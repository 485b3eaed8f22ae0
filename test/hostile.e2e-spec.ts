import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STRIPE_SYNC_ENTITIES, StripeEvent, StripeSyncRun } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import type { ObjectLiteral } from 'typeorm';
import { ADMIN_TOKEN, createTestApp, type TestApp } from './support/app.js';
import { testDatabases } from './support/databases.js';
import { makeEvent, signed, WEBHOOK_SECRET } from './support/events.js';
import { loadFixture } from './support/fixtures.js';
import { CapturingLogger } from './support/logs.js';

const databases = await testDatabases();
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** A subscription as the django-stripe documentation gives it, valid but for what each case changes. */
const subscription = loadFixture<Record<string, unknown>[]>('django-stripe-sync-batch.json')[0];
const items = subscription.items as { data: Record<string, unknown>[] };
const withItem = (change: Record<string, unknown>) => ({ ...subscription, items: { ...items, data: [{ ...items.data[0], ...change }] } });
const nested = (depth: number): Record<string, unknown> => (depth === 0 ? {} : { a: nested(depth - 1) });

interface Case {
  name: string;
  method?: 'post' | 'get' | 'delete';
  path: string;
  body?: unknown;
  /** Sent as is, with this Content-Type. */
  raw?: { type: string; text: string };
  status: number;
  /** Named in `details` (400) or in the message. */
  field?: string;
}

const batch = (entry: unknown, resource = 'subscriptions'): Omit<Case, 'name' | 'status' | 'field'> => ({
  path: `/stripe/${resource}/sync-batch`,
  body: { batch: [entry] },
});

const CASES: Case[] = [
  // Depth and keys of the JSON itself.
  { name: 'metadata nested 3,000 levels', ...batch({ ...subscription, metadata: nested(3000) }), status: 400, field: 'batch[0].metadata' },
  { name: 'a body nested 40 levels', ...batch({ ...subscription, metadata: nested(40) }), status: 400, field: 'batch[0].metadata' },
  {
    name: 'metadata that is not flat strings',
    ...batch({ ...subscription, metadata: { plan: { tier: 'gold' } } }),
    status: 400,
    field: 'batch[0].metadata',
  },
  {
    name: 'a __proto__ key',
    path: '/stripe/subscriptions/sync-by-ids',
    raw: { type: 'application/json', text: '{"ids":["sub_1"],"__proto__":{"admin":true}}' },
    status: 400,
    field: '__proto__',
  },
  {
    name: 'a constructor key',
    path: '/stripe/subscriptions/sync-by-ids',
    body: { ids: ['sub_1'], constructor: { prototype: {} } },
    status: 400,
    field: 'constructor',
  },
  {
    name: 'a nested __proto__ key',
    path: '/stripe/customers/sync-batch',
    raw: { type: 'application/json', text: '{"batch":[{"id":"cus_1","object":"customer","created":1,"__proto__":{}}]}' },
    status: 400,
    field: 'batch[0].__proto__',
  },
  { name: 'an unknown key', path: '/stripe/subscriptions/sync-by-ids', body: { ids: ['sub_1'], extra: 1 }, status: 400, field: 'extra' },
  // Times no Date can hold.
  { name: 'created of 10000000000000', ...batch({ ...subscription, created: 10_000_000_000_000 }), status: 400, field: 'batch[0].created' },
  {
    name: 'current_period_end of 10000000000000',
    ...batch({ ...subscription, current_period_end: 10_000_000_000_000 }),
    status: 400,
    field: 'batch[0].current_period_end',
  },
  { name: 'a negative time', ...batch({ ...subscription, canceled_at: -1 }), status: 400, field: 'batch[0].canceled_at' },
  { name: 'a fractional time', ...batch({ ...subscription, trial_end: 1.5 }), status: 400, field: 'batch[0].trial_end' },
  { name: 'a time as text', ...batch({ ...subscription, start_date: '2024-01-01' }), status: 400, field: 'batch[0].start_date' },
  {
    name: 'an item period of 1e13',
    ...batch(withItem({ current_period_end: 1e13 })),
    status: 400,
    field: 'batch[0].items.data[0].current_period_end',
  },
  // Children that are not objects with ids.
  {
    name: 'an item that is null',
    ...batch({ ...subscription, items: { ...items, data: [null] } }),
    status: 400,
    field: 'batch[0].items.data[0]',
  },
  { name: 'an item without an id', ...batch(withItem({ id: undefined })), status: 400, field: 'batch[0].items.data[0].id' },
  { name: 'items that are not a list', ...batch({ ...subscription, items: { data: 'x' } }), status: 400, field: 'batch[0].items.data' },
  { name: 'an item quantity as text', ...batch(withItem({ quantity: '2' })), status: 400, field: 'batch[0].items.data[0].quantity' },
  // Ids and values the other routes refuse.
  { name: 'an entry id of another type', ...batch({ ...subscription, id: 'cus_123' }), status: 400, field: 'batch[0].id' },
  { name: 'an entry id that is a path', ...batch({ ...subscription, id: '../../etc/passwd' }), status: 400, field: 'batch[0].id' },
  {
    name: 'an entry id of 10,004 characters',
    ...batch({ ...subscription, id: `sub_${'x'.repeat(10_000)}` }),
    status: 400,
    field: 'batch[0].id',
  },
  { name: 'a customer that is a path', ...batch({ ...subscription, customer: '../x' }), status: 400, field: 'batch[0].customer' },
  { name: 'a status Stripe never sends', ...batch({ ...subscription, status: 'hacked' }), status: 400, field: 'batch[0].status' },
  { name: 'an empty status', ...batch({ ...subscription, status: '' }), status: 400, field: 'batch[0].status' },
  { name: 'livemode as text', ...batch({ ...subscription, livemode: 'true' }), status: 400, field: 'batch[0].livemode' },
  { name: 'a numeric currency', ...batch({ ...subscription, currency: 5 }), status: 400, field: 'batch[0].currency' },
  { name: 'a currency of four letters', ...batch({ ...subscription, currency: 'usdx' }), status: 400, field: 'batch[0].currency' },
  {
    name: 'a collection method Stripe never sends',
    ...batch({ ...subscription, collection_method: 'cash' }),
    status: 400,
    field: 'batch[0].collection_method',
  },
  {
    name: 'a customer email that is a number',
    ...batch({ id: 'cus_1', object: 'customer', created: 1, email: 5 }, 'customers'),
    status: 400,
    field: 'batch[0].email',
  },
  {
    name: 'a customer balance as text',
    ...batch({ id: 'cus_1', object: 'customer', created: 1, balance: '10' }, 'customers'),
    status: 400,
    field: 'batch[0].balance',
  },
  {
    name: 'a price amount as text',
    ...batch({ id: 'price_1', object: 'price', created: 1, unit_amount: '100' }, 'prices'),
    status: 400,
    field: 'batch[0].unit_amount',
  },
  {
    name: 'a price interval Stripe never sends',
    ...batch({ id: 'price_1', object: 'price', created: 1, recurring: { interval: 'fortnight' } }, 'prices'),
    status: 400,
    field: 'batch[0].recurring.interval',
  },
  {
    name: 'an invoice status Stripe never sends',
    ...batch({ id: 'in_1', object: 'invoice', created: 1, status: 'hacked' }, 'invoices'),
    status: 400,
    field: 'batch[0].status',
  },
  {
    name: 'an invoice line without an id',
    ...batch({ id: 'in_1', object: 'invoice', created: 1, lines: { data: [{ amount: 1 }] } }, 'invoices'),
    status: 400,
    field: 'batch[0].lines.data[0].id',
  },
  {
    name: 'a charge amount of 1.5',
    ...batch({ id: 'ch_1', object: 'charge', created: 1, amount: 1.5 }, 'charges'),
    status: 400,
    field: 'batch[0].amount',
  },
  { name: 'a refund without created', ...batch({ id: 're_1', object: 'refund' }, 'refunds'), status: 400, field: 'batch[0].created' },
  // Routes and queries.
  {
    name: 'a form-encoded body',
    path: '/stripe/subscriptions/sync-by-ids',
    raw: { type: 'application/x-www-form-urlencoded', text: 'ids=sub_1' },
    status: 415,
  },
  { name: 'a text body', path: '/stripe/customers/sync-batch', raw: { type: 'text/plain', text: '{"batch":[]}' }, status: 415 },
  {
    name: 'JSON that does not parse',
    path: '/stripe/subscriptions/sync-batch',
    raw: { type: 'application/json', text: '{"batch": [' },
    status: 400,
  },
  { name: '?wait=maybe', path: '/stripe/subscriptions/sync-all?wait=maybe', status: 400 },
  { name: '?wait=maybe on the whole account', path: '/stripe/sync-all?wait=maybe', status: 400 },
  { name: 'sync-runs?limit=-1', method: 'get', path: '/stripe/sync-runs?limit=-1', status: 400, field: 'limit' },
  { name: 'sync-runs?limit=0', method: 'get', path: '/stripe/sync-runs?limit=0', status: 400, field: 'limit' },
  { name: 'sync-runs?limit=101', method: 'get', path: '/stripe/sync-runs?limit=101', status: 400, field: 'limit' },
  { name: 'sync-runs?limit=ten', method: 'get', path: '/stripe/sync-runs?limit=ten', status: 400, field: 'limit' },
  { name: 'a list limit of 0', method: 'get', path: '/stripe/invoices?limit=0', status: 400, field: 'limit' },
  { name: 'a list filter of another type', method: 'get', path: '/stripe/invoices?customer=sub_1', status: 400, field: 'customer' },
  { name: 'an unknown list filter', method: 'get', path: '/stripe/charges?sort=id', status: 400, field: 'sort' },
  { name: 'an id of another type', method: 'get', path: '/stripe/refunds/ch_1', status: 400 },
  { name: 'a run id that is not one', method: 'get', path: '/stripe/sync-runs/123', status: 400 },
  { name: 'an id not in the mirror', method: 'get', path: '/stripe/customers/cus_missing', status: 404 },
  { name: 'a delete of an id not in the mirror', method: 'delete', path: '/stripe/prices/price_missing', status: 404 },
  { name: 'a body over the limit', ...batch({ ...subscription, metadata: { padding: 'x'.repeat(200_000) } }), status: 413 },
];

describe.each(databases)('hostile input on %s', (database) => {
  let emulator: StripeEmulator;
  let t: TestApp;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 4, seed: 5 } });
    t = await createTestApp({
      database,
      emulator,
      options: { webhookSecret: WEBHOOK_SECRET, jsonBodyLimit: 100_000 },
      configure: (app) => app.useLogger(logger),
    });
    await t.http.post('/stripe/sync-all').set(auth).expect(200);
  });
  afterAll(async () => {
    await t.close();
    await emulator.stop();
  });

  /** Every row of every table the module owns, so that any write shows. */
  async function fingerprint(): Promise<string> {
    const tables: Record<string, ObjectLiteral[]> = {};
    for (const entity of STRIPE_SYNC_ENTITIES)
      tables[entity.name] = await t.dataSource.getRepository(entity).find({ order: { [primaryOf(entity)]: 'ASC' } });
    return JSON.stringify(tables);
  }
  const primaryOf = (entity: (typeof STRIPE_SYNC_ENTITIES)[number]) => t.dataSource.getMetadata(entity).primaryColumns[0].propertyName;

  const send = (c: Case) => {
    const call = t.http[c.method ?? 'post'](c.path).set(auth);
    if (c.raw) return call.set('Content-Type', c.raw.type).send(c.raw.text);
    return c.body === undefined ? call : call.send(c.body as object);
  };

  it.each(CASES)('answers $status to $name, in the one error shape, and writes nothing', async (c) => {
    const before = await fingerprint();
    const logged = logger.lines.length;

    const { status, body } = await send(c);

    expect({ status, body: typeof body }).toEqual({ status: c.status, body: 'object' });
    expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode', ...(body.details ? ['details'] : [])].sort());
    expect(body).toMatchObject({ statusCode: c.status, error: expect.any(String), message: expect.any(String) });
    if (c.field !== undefined) {
      // The field itself, or one inside it (a depth names the path where it went too deep).
      const named = (body.details as { field: string }[])
        .map((detail) => detail.field)
        .find((field) => field === c.field || field.startsWith(`${c.field}.`));
      expect({ named }).toEqual({ named: expect.any(String) });
      expect(body.message).toContain(c.field);
    }
    expect(await fingerprint()).toBe(before);
    // Bad input is no error of the app's: nothing is logged, no stack, no SQL, no parameter.
    expect(logger.lines.slice(logged)).toEqual([]);
  });

  it.each([
    [
      'an object that is not what its type says',
      makeEvent('customer.updated', { id: 'in_1', object: 'invoice', created: 1 }, 1_700_000_000),
    ],
    ['a created no Date can hold', makeEvent('customer.updated', { id: 'cus_1', object: 'customer', created: 1 }, 10_000_000_000_000)],
    [
      'a type longer than the column',
      makeEvent(`customer.${'x'.repeat(200)}`, { id: 'cus_1', object: 'customer', created: 1 }, 1_700_000_000),
    ],
    [
      'a customer whose email is a number',
      makeEvent('customer.updated', { id: 'cus_1', object: 'customer', created: 1, email: 5 }, 1_700_000_000),
    ],
  ])('records a signed event with %s as ignored and invalid, answers 200, and changes no mirror row', async (_case, event) => {
    const before = await fingerprint();
    const { payload, signature } = signed(event);

    const response = await t.http
      .post('/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signature)
      .send(payload);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, result: 'ignored' });
    expect(await t.dataSource.getRepository(StripeEvent).findOneByOrFail({ id: event.id })).toMatchObject({
      status: 'ignored',
      outcome: 'invalid',
      error: expect.stringMatching(/^event\.|must be/),
    });
    const after = JSON.parse(await fingerprint());
    delete after.StripeEvent;
    const expected = JSON.parse(before);
    delete expected.StripeEvent;
    expect(after).toEqual(expected);
  });

  it('answers 401, 409 and 502 in the same shape, the 409 with the running run id', async () => {
    const unauthorized = await t.http.get('/stripe/customers');
    expect(unauthorized.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('admin token') });

    emulator.injectFault({ route: 'GET /v1/customers', delayMs: 300, times: 1 });
    const running = await t.http.post('/stripe/sync-all?wait=false').set(auth).expect(202);
    const conflict = await t.http.post('/stripe/customers/sync-all').set(auth);
    expect(conflict.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringContaining('overlaps'),
      runId: running.body.runId,
    });
    const runs = t.dataSource.getRepository(StripeSyncRun);
    while ((await runs.findOneByOrFail({ id: running.body.runId })).status === 'running')
      await new Promise((resolve) => setTimeout(resolve, 20));

    emulator.injectFault({ route: 'GET /v1/customers/:id', status: 400, times: 1 });
    const refused = await t.http
      .post('/stripe/customers/sync-by-ids')
      .set(auth)
      .send({ ids: ['cus_1'] });
    expect(refused.status).toBe(200);
    emulator.injectFault({ route: 'GET /v1/products', status: 400, times: 1 });
    const failed = await t.http.post('/stripe/products/sync-all').set(auth);
    expect(failed.body).toEqual({ statusCode: 502, error: 'Bad Gateway', message: expect.stringMatching(/^Stripe answered /) });
  });
});
