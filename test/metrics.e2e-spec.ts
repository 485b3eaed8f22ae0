import { Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StripeSyncMetricsModule } from 'nestjs-stripe-sync/metrics';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { register } from 'prom-client';
import { MetricsController } from '../apps/sample/src/metrics.controller.js';
import { ADMIN_TOKEN, API_KEY, createTestApp, type TestApp } from './support/app.js';
import { testDatabases } from './support/databases.js';
import { makeEvent, signed, WEBHOOK_SECRET } from './support/events.js';

const databases = await testDatabases();
const SEEDED = 40;

@Module({ imports: [StripeSyncMetricsModule.forRoot()], controllers: [MetricsController] })
class MetricsModule {}

/** The value of one sample in Prometheus's text format, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(databases)('Prometheus metrics on %s', (database) => {
  let emulator: StripeEmulator;
  let t: TestApp;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: SEEDED, seed: 21, minItems: 11, maxItems: 12 } });
    t = await createTestApp({
      database,
      emulator,
      options: { webhookSecret: WEBHOOK_SECRET, stripe: { ...emulator.clientOptions(), maxNetworkRetries: 3 } },
      extras: { objects: ['subscription'] },
      // The sample's own /metrics route.
      extraImports: [{ module: MetricsModule }],
    });
  });
  afterAll(async () => {
    await t.close();
    await emulator.stop();
    register.clear();
  });

  it('serves the counts of a full sync, of Stripe requests by outcome and of webhook events, and no secret', async () => {
    emulator.resetStats();
    // Two 429s and a 500 the governor retries: each attempt counts under its outcome.
    emulator.injectFault({ route: 'GET /v1/subscriptions', status: 429, times: 2 });
    emulator.injectFault({ route: 'GET /v1/subscription_items', status: 500, times: 1 });
    const summary = await t.subscriptions.syncAll();
    const [first, second] = emulator.listSubscriptionIds();
    emulator.removeSubscription(second);
    const swept = await t.subscriptions.syncAll();

    const deliver = (event: object, secret = WEBHOOK_SECRET) => {
      const { payload, signature } = signed(event, secret);
      return t.http.post('/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload);
    };
    const subscription = emulator.getSubscription(first)!;
    const event = makeEvent(
      'customer.subscription.updated',
      { ...subscription, metadata: { plan: 'gold' } },
      Math.floor(Date.now() / 1000) + 5,
    );
    await deliver(event).expect(200);
    await deliver(event).expect(200);
    await deliver(makeEvent('customer.subscription.updated', subscription, 1), 'whsec_not_the_endpoints').expect(400);

    const text = (await t.http.get('/metrics').expect(200)).text;
    const stats = emulator.stats;
    expect(sample(text, 'stripe_sync_objects_written_total{object="subscription"}')).toBe(summary.seen + swept.seen + 1);
    expect(sample(text, 'stripe_sync_objects_soft_deleted_total{object="subscription"}')).toBe(1);
    expect(sample(text, 'stripe_sync_stripe_requests_total{outcome="rate_limited"}')).toBe(2);
    expect(sample(text, 'stripe_sync_stripe_requests_total{outcome="server_error"}')).toBe(1);
    expect(sample(text, 'stripe_sync_stripe_requests_total{outcome="ok"}')).toBe(stats.total - 3);
    expect(sample(text, 'stripe_sync_stripe_request_duration_seconds_count{outcome="ok"}')).toBe(stats.total - 3);
    expect(sample(text, 'stripe_sync_governor_wait_seconds_count')).toBe(stats.total);
    expect(sample(text, 'stripe_sync_runs_total{object="subscription",status="started"}')).toBe(2);
    expect(sample(text, 'stripe_sync_runs_total{object="subscription",status="completed"}')).toBe(2);
    expect(sample(text, 'stripe_sync_run_duration_seconds_count{object="subscription",status="completed"}')).toBe(2);
    expect(sample(text, 'stripe_sync_events_total{outcome="applied"}')).toBe(1);
    expect(sample(text, 'stripe_sync_events_total{outcome="duplicate"}')).toBe(1);
    expect(sample(text, 'stripe_sync_events_total{outcome="bad_signature"}')).toBe(1);
    const age = sample(text, 'stripe_sync_last_completed_run_age_seconds{object="subscription"}')!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(30);
    for (const secret of [API_KEY, ADMIN_TOKEN, WEBHOOK_SECRET, first]) expect(text).not.toContain(secret);
  });

  it('counts a failed run under failed', async () => {
    emulator.injectFault({ route: 'GET /v1/subscriptions', status: 400, times: 1 });
    await expect(t.subscriptions.syncAll()).rejects.toThrow();
    const text = (await t.http.get('/metrics').expect(200)).text;
    expect(sample(text, 'stripe_sync_runs_total{object="subscription",status="failed"}')).toBe(1);
    expect(sample(text, 'stripe_sync_stripe_requests_total{outcome="client_error"}')).toBe(1);
  });
});
