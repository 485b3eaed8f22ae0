import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { StripeEmulator, type StripeEmulatorObjectType } from './index.js';
import { clientFor, rejection } from './emulator.test-support.js';

const NOW = 1_780_000_000;
const SEED = { subscriptions: 160, seed: 11, now: NOW, extraCustomers: 15 };

type Listed = { id: string; created: number };
type ListParams = Stripe.PaginationParams & { created?: Stripe.RangeQueryParam | number } & Record<string, unknown>;

/** One object type through the SDK: its list and retrieve, and the filters to try with what each must keep. */
interface Case {
  type: Exclude<StripeEmulatorObjectType, 'subscription'>;
  list: (stripe: Stripe, params: ListParams) => Promise<Stripe.ApiList<Listed>>;
  retrieve: (stripe: Stripe, id: string) => Promise<Listed>;
  /** Each: the params, and the test the listed objects must pass (all seeded objects that pass it must be listed). */
  filters: (sample: Record<string, unknown>[]) => [ListParams, (object: Record<string, unknown>) => boolean][];
}

const at = (path: string) => (object: Record<string, unknown>) =>
  path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], object);

const CASES: Case[] = [
  {
    type: 'customer',
    list: (stripe, params) => stripe.customers.list(params),
    retrieve: (stripe, id) => stripe.customers.retrieve(id) as Promise<Stripe.Customer>,
    filters: ([first]) => [[{ email: first.email }, (object) => object.email === first.email]],
  },
  {
    type: 'product',
    list: (stripe, params) => stripe.products.list(params),
    retrieve: (stripe, id) => stripe.products.retrieve(id),
    filters: (sample) => [
      [{ active: true }, (object) => object.active === true],
      [{ ids: [sample[0].id, sample[3].id, 'prod_unknown'] }, (object) => object.id === sample[0].id || object.id === sample[3].id],
    ],
  },
  {
    type: 'price',
    list: (stripe, params) => stripe.prices.list(params),
    retrieve: (stripe, id) => stripe.prices.retrieve(id),
    filters: ([first]) => [
      [{ active: true }, (object) => object.active === true],
      [{ product: first.product }, (object) => object.product === first.product],
      [{ type: 'recurring' }, (object) => object.type === 'recurring'],
      [{ currency: 'eur' }, (object) => object.currency === 'eur'],
    ],
  },
  {
    type: 'invoice',
    list: (stripe, params) => stripe.invoices.list(params),
    retrieve: (stripe, id) => stripe.invoices.retrieve(id),
    filters: ([first]) => [
      [{ customer: first.customer }, (object) => object.customer === first.customer],
      [
        { subscription: at('parent.subscription_details.subscription')(first) },
        (object) => at('parent.subscription_details.subscription')(object) === at('parent.subscription_details.subscription')(first),
      ],
      [{ status: 'open' }, (object) => object.status === 'open'],
      [{ collection_method: 'send_invoice' }, (object) => object.collection_method === 'send_invoice'],
    ],
  },
  {
    type: 'payment_intent',
    list: (stripe, params) => stripe.paymentIntents.list(params),
    retrieve: (stripe, id) => stripe.paymentIntents.retrieve(id),
    filters: ([first]) => [[{ customer: first.customer }, (object) => object.customer === first.customer]],
  },
  {
    type: 'charge',
    list: (stripe, params) => stripe.charges.list(params),
    retrieve: (stripe, id) => stripe.charges.retrieve(id),
    filters: ([first]) => [
      [{ customer: first.customer }, (object) => object.customer === first.customer],
      [{ payment_intent: first.payment_intent }, (object) => object.payment_intent === first.payment_intent],
    ],
  },
  {
    type: 'refund',
    list: (stripe, params) => stripe.refunds.list(params),
    retrieve: (stripe, id) => stripe.refunds.retrieve(id),
    filters: ([first]) => [
      [{ charge: first.charge }, (object) => object.charge === first.charge],
      [{ payment_intent: first.payment_intent }, (object) => object.payment_intent === first.payment_intent],
    ],
  },
];

/** Every page of a list, 100 at a time, as a sync reads it. */
async function listAll(list: (params: ListParams) => Promise<Stripe.ApiList<Listed>>, params: ListParams = {}): Promise<Listed[]> {
  const all: Listed[] = [];
  let page: Stripe.ApiList<Listed>;
  do {
    page = await list({ limit: 100, ...params, starting_after: all.at(-1)?.id });
    all.push(...page.data);
  } while (page.has_more);
  return all;
}

const idsOf = (objects: { id: string }[]) => objects.map((object) => object.id);
const sorted = (ids: string[]) => [...ids].sort();

describe('StripeEmulator billing objects: lists and retrieve', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: SEED });
    stripe = clientFor(emulator);
  });

  afterAll(() => emulator.stop());

  /** Every seeded object of a type, as the emulator holds it. */
  const seeded = (type: Case['type']) =>
    emulator.listObjectIds(type).map((id) => emulator.getObject(type, id) as unknown as Record<string, unknown> & Listed);

  describe.each(CASES)('$type', ({ type, list, retrieve, filters }) => {
    it('pages through every object once, newest first, ties by id, in the order of the control page', async () => {
      const listed = await listAll((params) => list(stripe, params));

      expect(listed.length).toBeGreaterThan(5);
      expect(sorted(idsOf(listed))).toEqual(sorted(emulator.listObjectIds(type)));
      for (let i = 1; i < listed.length; i++) {
        const [newer, older] = [listed[i - 1], listed[i]];
        expect(newer.created > older.created || (newer.created === older.created && newer.id > older.id)).toBe(true);
      }
      const control = (await (await fetch(`${emulator.url}/_emulator/objects/ids?type=${type}&limit=100000`)).json()) as {
        data: string[];
        total: number;
      };
      expect(control).toMatchObject({ data: idsOf(listed), total: listed.length });
    });

    it('pages backwards with ending_before and filters by created', async () => {
      const first = await list(stripe, { limit: 3 });
      const second = await list(stripe, { limit: 3, starting_after: first.data[2].id });
      const back = await list(stripe, { limit: 3, ending_before: second.data[0].id });
      expect(idsOf(back.data)).toEqual(idsOf(first.data));
      expect([first.has_more, back.has_more]).toEqual([true, false]);

      const times = seeded(type)
        .map((object) => object.created)
        .sort((a, b) => a - b);
      const [gte, lt] = [times[Math.floor(times.length / 4)], times[Math.floor((times.length * 3) / 4)]];
      const ranged = await listAll((params) => list(stripe, params), { created: { gte, lt } });
      expect(sorted(idsOf(ranged))).toEqual(sorted(idsOf(seeded(type).filter((object) => object.created >= gte && object.created < lt))));
    });

    it('filters as Stripe does', async () => {
      const all = seeded(type);
      for (const [params, keep] of filters(all)) {
        const listed = await listAll((query) => list(stripe, query), params);
        const expected = all.filter(keep);
        expect([params, sorted(idsOf(listed))]).toEqual([params, sorted(idsOf(expected))]);
        expect(expected.length).toBeGreaterThan(0);
      }
    });

    it('retrieves by id, answers 404 resource_missing for an unknown id, and 400 for parameters it does not know', async () => {
      const [id] = emulator.listObjectIds(type);

      expect(JSON.parse(JSON.stringify(await retrieve(stripe, id)))).toMatchObject({ id, object: type });
      const missing = await rejection(retrieve(stripe, `${id}x`));
      expect([missing.statusCode, missing.code, missing.message]).toEqual([404, 'resource_missing', `No such ${type}: '${id}x'`]);
      const unknown = await rejection(list(stripe, { colour: 'blue' }));
      expect([unknown.statusCode, unknown.param, unknown.code]).toEqual([400, 'colour', 'parameter_unknown']);
      const cursor = await rejection(list(stripe, { starting_after: `${id}x` }));
      expect([cursor.statusCode, cursor.param]).toEqual([400, 'starting_after']);
    });
  });

  it('rejects filter values Stripe does not know', async () => {
    const status = await rejection(stripe.invoices.list({ status: 'late' as Stripe.InvoiceListParams.Status }));
    const type = await rejection(stripe.prices.list({ type: 'metered' as Stripe.PriceListParams.Type }));
    const active = await rejection(stripe.products.list({ active: 'yes' as unknown as boolean }));

    expect([status.statusCode, status.param]).toEqual([400, 'status']);
    expect([type.statusCode, type.param]).toEqual([400, 'type']);
    expect([active.statusCode, active.param]).toEqual([400, 'active']);
  });

  it('filters prices by lookup_keys', async () => {
    const [price] = emulator.listObjectIds('price');
    emulator.putObject({ ...emulator.getObject('price', price)!, lookup_key: 'pro_monthly' });

    const listed = await stripe.prices.list({ lookup_keys: ['pro_monthly', 'nobody_has_this'] });

    expect(idsOf(listed.data)).toEqual([price]);
  });

  describe('invoice lines', () => {
    const withManyLines = () =>
      seeded('invoice').find((invoice) => (invoice as unknown as Stripe.Invoice).lines.data.length > 12) as unknown as Stripe.Invoice;

    it('embeds at most 10 lines, with has_more, total_count and the url of all of them, in lists and retrieve', async () => {
      const full = withManyLines();

      const retrieved = await stripe.invoices.retrieve(full.id);
      const listed = (await stripe.invoices.list({ subscription: full.parent!.subscription_details!.subscription as string })).data.find(
        (invoice) => invoice.id === full.id,
      )!;

      for (const invoice of [retrieved, listed]) {
        expect(idsOf(invoice.lines.data)).toEqual(idsOf(full.lines.data.slice(0, 10)));
        expect(invoice.lines).toMatchObject({ has_more: true, url: `/v1/invoices/${full.id}/lines`, total_count: full.lines.data.length });
      }
    });

    it('pages through all lines of an invoice at /v1/invoices/:id/lines, in either child-list order', async () => {
      const full = withManyLines();

      const lines = await stripe.invoices.listLineItems(full.id, { limit: 4 }).autoPagingToArray({ limit: 100 });
      emulator.setChildListOrder('reverse');
      const reversed = await stripe.invoices.listLineItems(full.id, { limit: 100 });
      emulator.setChildListOrder('embedded');

      expect(idsOf(lines)).toEqual(idsOf(full.lines.data));
      expect(idsOf(reversed.data)).toEqual(idsOf(full.lines.data).reverse());
      const missing = await rejection(stripe.invoices.listLineItems('in_missing'));
      expect([missing.statusCode, missing.code]).toEqual([404, 'resource_missing']);
    });
  });

  it('answers raw GET requests like the SDK reads them: decimals as strings', async () => {
    const [invoice] = emulator.listObjectIds('invoice');
    const response = await fetch(`${emulator.url}/v1/invoices/${invoice}`, { headers: { Authorization: 'Bearer sk_test_raw' } });
    const body = (await response.json()) as { lines: { data: { pricing: { unit_amount_decimal: unknown }; quantity_decimal: unknown }[] } };

    expect(response.status).toBe(200);
    expect(typeof body.lines.data[0].pricing.unit_amount_decimal).toBe('string');
    expect(typeof body.lines.data[0].quantity_decimal).toBe('string');
    const price = (await (
      await fetch(`${emulator.url}/v1/prices?limit=1`, { headers: { Authorization: 'Bearer sk_test_raw' } })
    ).json()) as { data: { unit_amount_decimal: unknown }[] };
    expect(typeof price.data[0].unit_amount_decimal).toBe('string');
  });

  it('reports counts per type on the control channel, and pages ids of any type', async () => {
    const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()) as {
      objects: Record<string, number>;
      subscriptions: number;
    };
    const subscriptions = (await (await fetch(`${emulator.url}/_emulator/objects/ids?type=subscription&offset=5&limit=3`)).json()) as {
      data: string[];
    };
    const unknown = await fetch(`${emulator.url}/_emulator/objects/ids?type=coupon`);

    expect(stats.objects).toEqual(
      Object.fromEntries(
        (['subscription', 'customer', 'product', 'price', 'invoice', 'payment_intent', 'charge', 'refund'] as const).map((type) => [
          type,
          emulator.listObjectIds(type).length,
        ]),
      ),
    );
    expect(stats.subscriptions).toBe(160);
    const listed = await stripe.subscriptions.list({ status: 'all', limit: 8 });
    expect(subscriptions.data).toEqual(idsOf(listed.data).slice(5, 8));
    expect(unknown.status).toBe(400);
  });
});
