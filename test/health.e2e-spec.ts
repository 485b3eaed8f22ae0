import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { StripeSyncRun } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { randomUUID } from 'node:crypto';
import { StripeSyncHealthIndicator, StripeSyncHealthModule } from 'nestjs-stripe-sync/health';
// The sample app's own health route, as the terminus docs write it.
import { HealthController } from '../apps/sample/src/health.controller.js';
import { ADMIN_TOKEN, API_KEY, createTestApp, type TestApp } from './support/app.js';
import { testDatabases } from './support/databases.js';

const databases = await testDatabases();
const HOURS = 3600_000;

@Module({ imports: [TerminusModule, StripeSyncHealthModule], controllers: [HealthController] })
class HealthModule {}

describe.each(databases)('StripeSyncHealthIndicator on %s', (database) => {
  let emulator: StripeEmulator;
  let t: TestApp;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 30 } });
  });
  afterAll(() => emulator.stop());
  beforeEach(async () => {
    t = await createTestApp({ database, emulator, extras: { objects: ['subscription'] }, extraImports: [{ module: HealthModule }] });
  });
  afterEach(() => t.close());

  const runs = () => t.dataSource.getRepository(StripeSyncRun);
  const finishedAgo = (ms: number) => runs().update({ status: 'completed' }, { finishedAt: new Date(Date.now() - ms) });

  it('is down before any full sync has completed', async () => {
    const { status, body } = await t.http.get('/health');

    expect(status).toBe(503);
    expect(body.error.stripeSync).toEqual({
      status: 'down',
      message: 'No full sync has completed yet (subscription)',
      lastCompletedAt: null,
      ageSeconds: null,
      maxAgeSeconds: 176400,
      runningRunId: null,
      objects: { subscription: null },
    });
  });

  it('is up after a full sync, with when it completed, and names the run going on', async () => {
    const summary = await t.subscriptions.syncAll();
    const running = randomUUID();
    await runs().insert({ id: running, object: 'subscription', status: 'running', startedAt: new Date() });

    const { status, body } = await t.http.get('/health');

    expect(status).toBe(200);
    expect(body.info.stripeSync).toEqual({
      status: 'up',
      lastCompletedAt: summary.finishedAt,
      ageSeconds: expect.any(Number),
      maxAgeSeconds: 176400,
      runningRunId: running,
      objects: { subscription: summary.finishedAt },
    });
    expect(body.info.stripeSync.ageSeconds).toBeLessThanOrEqual(5);
    expect(JSON.stringify(body)).not.toContain(API_KEY);
    expect(JSON.stringify(body)).not.toContain(ADMIN_TOKEN);
  });

  it('is down when the last completed sync is older than 49 h; newer failed runs do not count', async () => {
    await t.subscriptions.syncAll();
    await runs().insert({ id: randomUUID(), object: 'subscription', status: 'failed', startedAt: new Date(), finishedAt: new Date() });

    await finishedAgo(48.9 * HOURS);
    expect((await t.http.get('/health')).status).toBe(200);

    await finishedAgo(49.1 * HOURS);
    const { status, body } = await t.http.get('/health');
    expect(status).toBe(503);
    const { ageSeconds } = body.error.stripeSync;
    expect(ageSeconds - 49.1 * 3600).toBeGreaterThanOrEqual(0);
    expect(ageSeconds - 49.1 * 3600).toBeLessThan(5);
    expect(body.error.stripeSync).toMatchObject({
      status: 'down',
      maxAgeSeconds: 176400,
      message: `The last full sync completed ${ageSeconds} s ago`,
    });
  });

  it("is down, without the driver's message, when the runs cannot be read", async () => {
    await t.dataSource.query(`DROP TABLE ${t.dataSource.getMetadata(StripeSyncRun).tablePath}`);

    const { status, body } = await t.http.get('/health');

    expect(status).toBe(503);
    expect(body.error.stripeSync).toEqual({ status: 'down', message: 'The sync runs could not be read from the database' });
  });

  it('takes its key and maxAgeSeconds from the caller', async () => {
    await t.subscriptions.syncAll();
    await finishedAgo(120_000);
    const indicator = t.app.get(StripeSyncHealthIndicator);

    expect(await indicator.isHealthy('billing', { maxAgeSeconds: 60 })).toEqual({
      billing: expect.objectContaining({ status: 'down', maxAgeSeconds: 60 }),
    });
    expect(await indicator.isHealthy('billing', { maxAgeSeconds: 180 })).toEqual({
      billing: expect.objectContaining({ status: 'up', maxAgeSeconds: 180 }),
    });
  });
});
