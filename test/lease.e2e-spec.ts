import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  LeaseLostError,
  MirrorWriter,
  StripeSubscription,
  StripeSubscriptionItem,
  StripeSyncLock,
  StripeSyncRun,
} from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { IsNull } from 'typeorm';
import { createTestApp, type TestApp, type TestDatabase } from './support/app.js';
import { createTestDatabase, testDatabases } from './support/databases.js';

const databases = await testDatabases();
const SEEDED = 600;

describe.each(databases)('a full sync that loses its lease, on %s', (database) => {
  let emulator: StripeEmulator;
  let db: TestDatabase;
  let first: TestApp;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: SEEDED, seed: 31 } });
  });
  afterAll(() => emulator.stop());
  beforeEach(async () => {
    db = await createTestDatabase(database, { sqliteFile: true });
    first = await createTestApp({ database, shared: db, emulator, options: { parallelism: 2 } });
    // Slow pages, so that the run is still going when its lease is taken away.
    emulator.injectFault({ route: 'GET /v1/subscriptions', delayMs: 150, times: 100 });
  });
  afterEach(async () => {
    emulator.clearFaults();
    await first.close();
    await db.drop();
  });

  const locks = () => first.dataSource.getRepository(StripeSyncLock);
  const runs = () => first.dataSource.getRepository(StripeSyncRun);
  /** What an instance that stalled past its lease sees: the lease has expired. */
  const expireLease = () => locks().update({ name: 'sync-all:subscription' }, { expiresAt: new Date(Date.now() - 1000) });
  const firstPageWritten = async () => {
    while (((await runs().findOneBy({}))?.seen ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  /** Every write the first instance starts from now on, and how it ended. */
  function watchWrites(app: TestApp) {
    const writer = app.app.get(MirrorWriter);
    const outcomes: Promise<string>[] = [];
    const write = writer.write.bind(writer);
    jest.spyOn(writer, 'write').mockImplementation((...args) => {
      const result = write(...args);
      outcomes.push(
        result.then(
          () => 'written',
          () => 'refused',
        ),
      );
      return result;
    });
    const sweep = jest.spyOn(writer, 'sweep');
    return { outcomes: () => Promise.all(outcomes), sweep };
  }

  it('stops writing when another instance takes the lease over; the other resumes the run and ends equal to Stripe', async () => {
    const running = await first.subscriptions.startSyncAll();
    await firstPageWritten();
    const second = await createTestApp({ database, shared: db, emulator });
    try {
      await expireLease();
      const writes = watchWrites(first);
      const takenOver = await second.subscriptions.startSyncAll();

      // It stops on finding the lease expired or taken, whichever it sees first.
      await expect(running.done).rejects.toThrow(LeaseLostError);
      expect(await writes.outcomes()).not.toContain('written');
      const summary = await takenOver.done;

      expect(writes.sweep).not.toHaveBeenCalled();
      expect(summary).toMatchObject({ runId: running.runId, seen: SEEDED, softDeleted: 0 });
      expect(await runs().findOneByOrFail({ id: running.runId })).toMatchObject({ status: 'completed', error: null });
      const mirrored = await first.dataSource.getRepository(StripeSubscription).findBy({ deletedAt: IsNull() });
      expect(mirrored.map((row) => row.id).sort()).toEqual(emulator.listSubscriptionIds().sort());
      const items = emulator.listSubscriptionIds().reduce((sum, id) => sum + emulator.getSubscription(id)!.items.data.length, 0);
      expect(await first.dataSource.getRepository(StripeSubscriptionItem).countBy({ deletedAt: IsNull() })).toBe(items);
    } finally {
      await second.close();
    }
  });

  it('stops, and says why in the run, when the lease ran out with nobody to take it over', async () => {
    const running = await first.subscriptions.startSyncAll();
    await firstPageWritten();
    await expireLease();

    await expect(running.done).rejects.toThrow(/Lost the lease sync-all:subscription: it was not renewed in time/);

    expect(await runs().findOneByOrFail({ id: running.runId })).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('it was not renewed in time'),
      softDeleted: 0,
    });
    expect(await first.dataSource.getRepository(StripeSubscription).countBy({ deletedAt: IsNull() })).toBeLessThan(SEEDED);
  });
});
