import { describe, expect, it } from '@jest/globals';
import { STRIPE_SYNC_ENTITIES, StripeSubscription } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { stripeSyncMigrations } from 'nestjs-stripe-sync';
import { createTestApp } from './support/app.js';
import { createTestDatabase, testDatabases } from './support/databases.js';

const databases = await testDatabases();

describe.each(databases)('shipped migrations on %s', (database) => {
  it('create exactly the schema of the entities, and down removes every table', async () => {
    const db = await createTestDatabase(database);
    const dataSource = new DataSource({
      ...(db.options as DataSourceOptions),
      synchronize: false,
      entities: STRIPE_SYNC_ENTITIES,
      migrations: stripeSyncMigrations(database),
    });
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    const tables = dataSource.entityMetadatas.map((meta) => meta.tablePath);
    const existing = async () => {
      const found: boolean[] = [];
      for (const table of tables) found.push(await runner.hasTable(table));
      return found;
    };
    try {
      expect(tables).toHaveLength(STRIPE_SYNC_ENTITIES.length);
      expect(await existing()).toEqual(tables.map(() => false));

      const applied = await dataSource.runMigrations();

      expect(applied.map((migration) => migration.name)).toEqual(['StripeSyncInit1795759421504']);
      expect(await existing()).toEqual(tables.map(() => true));
      // What TypeORM would still change to match the entities: nothing.
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries.map((query) => query.query)).toEqual([]);

      await dataSource.undoLastMigration();

      expect(await existing()).toEqual(tables.map(() => false));
      expect(await dataSource.showMigrations()).toBe(true);
    } finally {
      await runner.release();
      await dataSource.destroy();
      await db.drop();
    }
  });

  it('give the module a schema it runs a full sync on, with case-sensitive ids', async () => {
    const emulator = await StripeEmulator.start({ seed: { subscriptions: 30 } });
    const db = await createTestDatabase(database);
    const migrated = { ...db, options: { ...db.options, synchronize: false, migrationsRun: true, migrations: stripeSyncMigrations(database) } };
    const t = await createTestApp({ database, shared: migrated, emulator });
    try {
      expect(await t.dataSource.showMigrations()).toBe(false);

      const summary = await t.subscriptions.syncAll();

      expect(summary).toMatchObject({ seen: 30, inserted: 30, updated: 0, softDeleted: 0 });
      const mirror = t.dataSource.getRepository(StripeSubscription);
      expect(await mirror.count()).toBe(30);
      const [{ id }] = await mirror.find({ take: 1 });
      // Stripe ids differ by case alone: MySQL's default collations would find this one.
      const swapped = id.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
      expect(await mirror.existsBy({ id: swapped })).toBe(false);
      expect(await mirror.existsBy({ id })).toBe(true);
    } finally {
      await t.close();
      await db.drop();
      await emulator.stop();
    }
  });
});
