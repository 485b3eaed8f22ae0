import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables of nestjs-stripe-sync on SQLite, as TypeORM creates them from the entities. */
export class StripeSyncInit1795759421504 implements MigrationInterface {
  name = 'StripeSyncInit1795759421504';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "stripe_subscription_items" ("id" varchar(255) PRIMARY KEY NOT NULL, ` +
        `"subscription_id" varchar(255) NOT NULL, "price_id" varchar(255), "product_id" varchar(255), "quantity" integer, ` +
        `"current_period_start" datetime(3), "current_period_end" datetime(3), "created" datetime(3), ` +
        `"metadata" json NOT NULL, "raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_65bc6af44e85ed5a42ecb1ea99" ON "stripe_subscription_items" ("subscription_id")`);
    await queryRunner.query(
      `CREATE TABLE "stripe_subscriptions" ("id" varchar(255) PRIMARY KEY NOT NULL, "customer_id" varchar(255) NOT NULL, ` +
        `"status" varchar(32) NOT NULL, "currency" varchar(3), "collection_method" varchar(32), ` +
        `"cancel_at_period_end" boolean NOT NULL DEFAULT (0), "cancel_at" datetime(3), "canceled_at" datetime(3), ` +
        `"ended_at" datetime(3), "start_date" datetime(3), "trial_start" datetime(3), "trial_end" datetime(3), ` +
        `"current_period_start" datetime(3), "current_period_end" datetime(3), "latest_invoice_id" varchar(255), ` +
        `"livemode" boolean NOT NULL DEFAULT (0), "metadata" json NOT NULL, "created" datetime(3) NOT NULL, ` +
        `"raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_47bb24991985e608948820d9a6" ON "stripe_subscriptions" ("customer_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_ca6b213e952e09262bc99889a2" ON "stripe_subscriptions" ("status")`);
    await queryRunner.query(
      `CREATE TABLE "stripe_sync_locks" ("name" varchar(64) PRIMARY KEY NOT NULL, "owner" varchar(64) NOT NULL, ` +
        `"expires_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_sync_runs" ("id" varchar(36) PRIMARY KEY NOT NULL, "object" varchar(64) NOT NULL, ` +
        `"status" varchar(16) NOT NULL, "started_at" datetime(3) NOT NULL, "finished_at" datetime(3), ` +
        `"seen" integer NOT NULL DEFAULT (0), "inserted" integer NOT NULL DEFAULT (0), ` +
        `"updated" integer NOT NULL DEFAULT (0), "restored" integer NOT NULL DEFAULT (0), ` +
        `"soft_deleted" integer NOT NULL DEFAULT (0), "requests" integer NOT NULL DEFAULT (0), "error" text)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_3f1de666ef6ca3306888afdd04" ON "stripe_sync_runs" ("object", "status")`);
    await queryRunner.query(
      `CREATE TABLE "stripe_sync_slices" ("id" varchar(36) PRIMARY KEY NOT NULL, "run_id" varchar(36) NOT NULL, ` +
        `"created_gte" bigint NOT NULL, "created_lt" bigint, "cursor" varchar(255), "cursor_created" bigint, ` +
        `"done" boolean NOT NULL DEFAULT (0), "objects" integer NOT NULL DEFAULT (0), ` +
        `"inserted" integer NOT NULL DEFAULT (0), "updated" integer NOT NULL DEFAULT (0), "restored" integer NOT NULL DEFAULT (0))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_01471418cb6b7b75151d9ec51c" ON "stripe_sync_slices" ("run_id")`);
    await queryRunner.query(
      `CREATE TABLE "stripe_sync_state" ("key" varchar(64) PRIMARY KEY NOT NULL, "value" varchar(255) NOT NULL, ` +
        `"updated_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_events" ("id" varchar(255) PRIMARY KEY NOT NULL, "type" varchar(128) NOT NULL, ` +
        `"created" datetime(3) NOT NULL, "livemode" boolean NOT NULL DEFAULT (0), "object_id" varchar(255), ` +
        `"status" varchar(16) NOT NULL, "outcome" varchar(16), "error" text, "handler_error" text, ` +
        `"attempts" integer NOT NULL DEFAULT (1), "source" varchar(16) NOT NULL, "received_at" datetime(3) NOT NULL, ` +
        `"claimed_at" datetime(3) NOT NULL, "processed_at" datetime(3))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_245ea167606b38c1e06cf244a7" ON "stripe_events" ("type")`);
    await queryRunner.query(`CREATE INDEX "IDX_3e901680a36441581609c1e7f8" ON "stripe_events" ("object_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_4d617ecf567f4e223f0ea8dbf1" ON "stripe_events" ("status")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "stripe_events"`);
    await queryRunner.query(`DROP TABLE "stripe_sync_state"`);
    await queryRunner.query(`DROP TABLE "stripe_sync_slices"`);
    await queryRunner.query(`DROP TABLE "stripe_sync_runs"`);
    await queryRunner.query(`DROP TABLE "stripe_sync_locks"`);
    await queryRunner.query(`DROP TABLE "stripe_subscriptions"`);
    await queryRunner.query(`DROP TABLE "stripe_subscription_items"`);
  }
}
