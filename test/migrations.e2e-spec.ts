import { describe, expect, it } from '@jest/globals';
import { STRIPE_SYNC_ENTITIES, StripeCustomer, StripeSubscription, StripeSyncService } from 'nestjs-stripe-sync';
import { IsNull } from 'typeorm';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { stripeSyncMigrations } from 'nestjs-stripe-sync';
import { createTestApp } from './support/app.js';
import { createTestDatabase, query, testDatabases } from './support/databases.js';

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

      expect(applied.map((migration) => migration.name)).toEqual(stripeSyncMigrations(database).map((migration) => new migration().name));
      expect(await existing()).toEqual(tables.map(() => true));
      // What TypeORM would still change to match the entities: nothing.
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries.map((query) => query.query)).toEqual([]);

      for (const _ of applied) await dataSource.undoLastMigration();

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
    const migrated = {
      ...db,
      options: { ...db.options, synchronize: false, migrationsRun: true, migrations: stripeSyncMigrations(database) },
    };
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

  it('upgrade a mirror that holds data: its rows stay, and the module runs on the new schema', async () => {
    const db = await createTestDatabase(database, { sqliteFile: true });
    const migrations = stripeSyncMigrations(database);
    const previous = new DataSource({ ...(db.options as DataSourceOptions), synchronize: false, migrations: migrations.slice(0, -1) });
    await previous.initialize();
    try {
      await previous.runMigrations();
      const at = '2024-01-01 00:00:00.000';
      await previous
        .createQueryBuilder()
        .insert()
        .into(database === 'postgres' ? `${schemaOf(db)}.stripe_subscriptions` : 'stripe_subscriptions', [
          'id',
          'customer_id',
          'status',
          'metadata',
          'created',
          'raw',
          'observed_at',
          'synced_at',
        ])
        .values({
          id: 'sub_before',
          customer_id: 'cus_before',
          status: 'active',
          metadata: '{}',
          created: at,
          raw: '{}',
          observed_at: at,
          synced_at: at,
        })
        .execute();
    } finally {
      await previous.destroy();
    }
    const emulator = await StripeEmulator.start({ seed: { subscriptions: 20 } });
    const migrated = {
      ...db,
      drop: async () => undefined,
      options: { ...db.options, synchronize: false, migrationsRun: true, migrations },
    };
    const t = await createTestApp({ database, shared: migrated, emulator });
    try {
      const mirror = t.dataSource.getRepository(StripeSubscription);
      expect(await mirror.findOneByOrFail({ id: 'sub_before' })).toMatchObject({
        customerId: 'cus_before',
        accountId: null,
        deletedAt: null,
      });

      const summary = await t.app.get(StripeSyncService).syncAll();

      expect(summary.objects!.find((run) => run.object === 'subscription')).toMatchObject({ seen: 20, inserted: 20, softDeleted: 1 });
      expect(await t.dataSource.getRepository(StripeCustomer).countBy({ deletedAt: IsNull() })).toBe(
        emulator.listObjectIds('customer').length,
      );
      expect((await t.dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    } finally {
      await t.close();
      await emulator.stop();
      await db.drop();
    }
  });

  if (database === 'postgres') {
    it('upgrade timestamps written without a time zone, read as times of the zone the app ran in', async () => {
      const db = await createTestDatabase(database);
      const migrate = async (migrations: DataSourceOptions['migrations']) => {
        const dataSource = new DataSource({ ...(db.options as DataSourceOptions), synchronize: false, migrations });
        await dataSource.initialize();
        try {
          await dataSource.runMigrations();
          return await dataSource.query(
            `SELECT CAST(EXTRACT(EPOCH FROM created) AS bigint) AS created FROM "${schemaOf(db)}".stripe_subscriptions`,
          );
        } finally {
          await dataSource.destroy();
        }
      };
      try {
        const [init] = stripeSyncMigrations(database);
        await migrate([init]);
        // What an app in Asia/Kolkata wrote for 2024-01-01T00:00:00Z before the upgrade.
        await query(
          'postgres',
          `INSERT INTO "${schemaOf(db)}".stripe_subscriptions (id, customer_id, status, metadata, created, raw, observed_at, synced_at) ` +
            `VALUES ('sub_1', 'cus_1', 'active', '{}', '2024-01-01 05:30:00', '{}', '2024-01-01 05:30:00', '2024-01-01 05:30:00')`,
        );

        const [{ created }] = await migrate(stripeSyncMigrations(database, { storedTimeZone: 'Asia/Kolkata' }));

        expect(Number(created)).toBe(Date.parse('2024-01-01T00:00:00Z') / 1000);
      } finally {
        await db.drop();
      }
    });
  }

  it('refuse a stored time zone that is not one', () => {
    expect(() => stripeSyncMigrations(database, { storedTimeZone: "UTC'; DROP TABLE x; --" })).toThrow(
      /storedTimeZone must be an IANA time zone/,
    );
  });
});

function schemaOf(db: { options: object }): string {
  return (db.options as { schema: string }).schema;
}
