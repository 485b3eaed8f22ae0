import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  defineMirroredObject,
  IdColumn,
  MirroredStripeObject,
  StripeActionService,
  StripeSyncModule,
  StripeSyncService,
  TimestampColumn,
  toRaw,
} from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import Stripe from 'stripe';
import { Entity, Index } from 'typeorm';
import { ADMIN_TOKEN, API_KEY, createTestApp, type TestApp } from './support/app.js';
import { testDatabases } from './support/databases.js';

// A type of the host app's own, declared as the README shows: Stripe's events, kept beyond the 30 days Stripe keeps them.
@Entity('app_stripe_event_archive')
class ArchivedStripeEvent extends MirroredStripeObject {
  @Index()
  @IdColumn()
  type: string;

  @IdColumn({ name: 'object_id', nullable: true })
  objectId: string | null;

  @TimestampColumn({ nullable: false })
  created: Date;
}

class ArchivedEventActionService extends StripeActionService<ArchivedStripeEvent, Stripe.Event> {}

const archivedEvents = defineMirroredObject<ArchivedStripeEvent, Stripe.Event>({
  name: 'event',
  resource: 'event-archive',
  idPrefixes: ['evt'],
  entity: ArchivedStripeEvent,
  service: ArchivedEventActionService,
  list: { path: '/v1/events' },
  toRow: (event, read) => ({
    id: event.id,
    type: read.text('type', 255)!,
    objectId: read.at('data').at('object').id('id'),
    metadata: {},
    created: read.time('created')!,
    raw: toRaw(event),
  }),
  eventTypes: [],
  filters: { type: { property: 'type', kind: 'text' } },
});

const databases = await testDatabases();
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(databases)('a mirrored type of the host app, on %s', (database) => {
  let emulator: StripeEmulator;
  let t: TestApp;

  beforeEach(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 5, seed: 3, invoicesPerSubscription: [0, 0] } });
    t = await createTestApp({ database, emulator, extras: { objects: ['subscription', archivedEvents] } });
  });
  afterEach(async () => {
    await t.close();
    await emulator.stop();
  });

  it('gets routes, a full sync and an injectable action of its own, with only the types chosen', async () => {
    const stripe = new Stripe(API_KEY, { ...emulator.clientOptions(), maxNetworkRetries: 0 });
    for (const id of emulator.listSubscriptionIds()) await stripe.subscriptions.update(id, { metadata: { touched: 'yes' } });
    const events = (await stripe.events.list({ limit: 100 })).data;
    expect(events.length).toBe(5);

    const { status, body } = await t.http.post('/stripe/sync-all').set(auth);

    expect(status).toBe(200);
    expect(body.objects.map((summary: { object: string }) => summary.object)).toEqual(['subscription', 'event']);
    const archived = await t.app
      .get(ArchivedEventActionService)
      .list({ type: 'customer.subscription.updated' }, { limit: 100, includeDeleted: false });
    expect(archived.data.map((row) => row.id).sort()).toEqual(events.map((event) => event.id).sort());
    const listed = await t.http.get('/stripe/event-archive?type=customer.subscription.updated&limit=2').set(auth);
    expect(listed.body).toMatchObject({ hasMore: true });
    expect(listed.body.data[0]).toMatchObject({ type: 'customer.subscription.updated', objectId: expect.stringMatching(/^sub_/) });
    expect((await t.http.get(`/stripe/event-archive/${events[0].id}`).set(auth)).body.raw).toEqual(JSON.parse(JSON.stringify(events[0])));
    expect(t.app.get(StripeSyncService).actions.map((action) => action.objectName)).toEqual(['subscription', 'event']);
    // A type left out has no routes and makes no requests.
    expect((await t.http.get('/stripe/customers').set(auth)).status).toBe(404);
    expect(Object.keys(emulator.stats.byRoute).filter((route) => route.includes('customers'))).toEqual([]);
  });

  it('refuses an unknown type at start-up, naming it', () => {
    expect(() => StripeSyncModule.forRoot({ apiKey: API_KEY, objects: ['subscription', 'coupon' as never] })).toThrow(
      'StripeSyncModule: option "objects" names an unknown type "coupon" (built-in: customer, product, price, subscription, invoice, payment_intent, charge, refund)',
    );
  });
});
