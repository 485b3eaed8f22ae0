import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { StripeEvent, StripeSubscription } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import Stripe from 'stripe';
import { ADMIN_TOKEN, API_KEY, createTestApp, type TestApp } from './support/app.js';
import { testDatabases } from './support/databases.js';
import { signed, WEBHOOK_SECRET } from './support/events.js';

const databases = await testDatabases();

describe.each(databases)('event catch-up on %s', (database) => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let t: TestApp;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 10, seed: 5 } });
    stripe = new Stripe(API_KEY, { ...emulator.clientOptions(), maxNetworkRetries: 0 });
  });
  afterAll(() => emulator.stop());
  beforeEach(async () => {
    t = await createTestApp({ database, emulator, options: { webhookSecret: WEBHOOK_SECRET } });
  });
  afterEach(() => t.close());

  const change = (id: string, plan: string) => stripe.subscriptions.update(id, { metadata: { plan } });

  it('applies exactly the events missed while the app was down, and a webhook that comes later is a no-op', async () => {
    await t.subscriptions.syncAll();
    const [a, b, c] = emulator.listSubscriptionIds().filter((id) => emulator.getSubscription(id)!.status !== 'canceled');
    await change(a, 'before');
    const first = await t.http.post('/stripe/events/sync').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(first.body.processed).toBeGreaterThanOrEqual(1);

    // Down: no webhook reaches the app while these happen.
    await change(a, 'gold');
    await change(b, 'silver');
    await stripe.subscriptions.cancel(c);
    const missed = (await stripe.events.list({ limit: 3 })).data;

    const caughtUp = await t.http.post('/stripe/events/sync').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(caughtUp.body).toMatchObject({ seen: 3, processed: 3, duplicates: 0, cursor: missed[0].id });
    const rows = t.dataSource.getRepository(StripeSubscription);
    expect((await rows.findOneByOrFail({ id: a })).metadata.plan).toBe('gold');
    expect((await rows.findOneByOrFail({ id: b })).metadata.plan).toBe('silver');
    expect((await rows.findOneByOrFail({ id: c })).status).toBe('canceled');
    expect(await t.dataSource.getRepository(StripeEvent).countBy({ source: 'catch-up' })).toBe(
      caughtUp.body.processed + first.body.processed,
    );

    const { payload, signature } = signed(missed[1]);
    const late = await t.http
      .post('/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signature)
      .send(payload);
    expect(late.body).toEqual({ received: true, result: 'duplicate' });

    const again = await t.subscriptions
      .syncAll()
      .then(() => t.http.post('/stripe/events/sync').set('Authorization', `Bearer ${ADMIN_TOKEN}`));
    expect(again.body).toMatchObject({ seen: 0, processed: 0 });
    await t.http.post('/stripe/events/sync').expect(401);
  });
});
