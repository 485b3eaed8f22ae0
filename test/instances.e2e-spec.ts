import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InstanceStoppingError, StripeSubscription, StripeSyncLock, StripeSyncRun } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { ScheduleModule } from '@nestjs/schedule';
import { ADMIN_TOKEN, createTestApp, type TestApp } from './support/app.js';
import { createTestDatabase, testDatabases, type TestDatabaseKind } from './support/databases.js';

/** Several instances of one app need a database they can share: SQLite in memory is one per app. */
const shared = (await testDatabases()).filter((kind): kind is Exclude<TestDatabaseKind, 'sqlite'> => kind !== 'sqlite');
const SEEDED = 300;

describe.each(shared)('several app instances on one %s database', (database) => {
  let emulator: StripeEmulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let instances: TestApp[];

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: SEEDED, seed: 9 } });
    db = await createTestDatabase(database);
    instances = [];
    // One after another: the first creates the tables.
    for (let i = 0; i < 4; i++) {
      instances.push(
        await createTestApp({
          database,
          shared: db,
          emulator,
          options: { schedule: { catchUp: false, fullSync: '0 0 1 1 *' } },
          extras: { objects: ['subscription'] },
          extraImports: [ScheduleModule.forRoot()],
        }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await db.drop();
    await emulator.stop();
  });

  it('runs one full sync when every instance fires its route and its cron at once; the others answer 409 or skip', async () => {
    emulator.injectFault({ route: 'GET /v1/subscriptions', delayMs: 300, times: 1 });
    const routes = instances.map((instance) =>
      instance.http.post('/stripe/subscriptions/sync-all').set('Authorization', `Bearer ${ADMIN_TOKEN}`),
    );
    const ticks = instances.map((instance) => instance.app.get(SchedulerRegistry).getCronJob('stripe-sync:full-sync').fireOnTick());
    const [responses] = await Promise.all([Promise.all(routes), Promise.all(ticks)]);

    const statuses = responses.map((response) => response.status).sort();
    // A route's run, or a tick's run of the whole account (the subscriptions' run under it), whichever won.
    const runs = await instances[0].dataSource.getRepository(StripeSyncRun).findBy({ object: 'subscription' });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', seen: SEEDED });
    expect(statuses.filter((status) => status === 409).length).toBeGreaterThanOrEqual(instances.length - 1);
    for (const conflict of responses.filter((response) => response.status === 409)) {
      expect(conflict.body.runId === undefined || conflict.body.runId === (runs[0].parentRunId ?? runs[0].id)).toBe(true);
    }
    expect(await instances[0].dataSource.getRepository(StripeSubscription).count()).toBe(SEEDED);
    expect(await instances[0].dataSource.getRepository(StripeSyncLock).count()).toBe(0);
  });

  it('takes over a lease whose holder died and resumes its run', async () => {
    const [survivor] = instances;
    const locks = survivor.dataSource.getRepository(StripeSyncLock);
    const runs = survivor.dataSource.getRepository(StripeSyncRun);
    // What a crashed instance leaves: its lease and a run marked running.
    await locks.insert({ name: 'sync-all:subscription', owner: 'crashed-instance', expiresAt: new Date(Date.now() + 60_000) });
    const previous = await runs.findOneByOrFail({ object: 'subscription' });
    await runs.update(previous.id, { status: 'running' });

    const refused = await survivor.http.post('/stripe/subscriptions/sync-all').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(refused.status).toBe(409);
    // The run that holds the lease: the whole account's, if a tick's run won in the test before.
    expect(refused.body.runId).toBe(previous.parentRunId ?? previous.id);

    await locks.update({ name: 'sync-all:subscription' }, { expiresAt: new Date(Date.now() - 1000) });
    const resumed = await survivor.subscriptions.syncAll();
    expect(resumed.runId).toBe(previous.id);
    expect(await runs.countBy({ object: 'subscription' })).toBe(1);
    expect(await locks.count()).toBe(0);
  });

  it('an instance that shuts down mid-run releases its leases: another resumes the run at once', async () => {
    const [survivor] = instances;
    const leaving = await createTestApp({ database, shared: db, emulator, extras: { objects: ['subscription'] } });
    emulator.injectFault({ route: 'GET /v1/subscriptions', delayMs: 400, times: 1_000 });
    const { runId, done } = await leaving.subscriptions.startSyncAll();
    await leaving.close();
    emulator.clearFaults();

    await expect(done).rejects.toBeInstanceOf(InstanceStoppingError);
    const runs = survivor.dataSource.getRepository(StripeSyncRun);
    expect(await runs.findOneByOrFail({ id: runId })).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('this instance is stopping'),
    });
    expect(await survivor.dataSource.getRepository(StripeSyncLock).count()).toBe(0);

    const resumed = await survivor.subscriptions.syncAll();
    expect(resumed).toMatchObject({ runId, seen: SEEDED });
    expect(await runs.findOneByOrFail({ id: runId })).toMatchObject({ status: 'completed' });
  });
});
