import type { MigrationInterface, QueryRunner } from 'typeorm';
import { inSchema } from './in-schema.js';

/** The tables of nestjs-stripe-sync on PostgreSQL, as TypeORM creates them from the entities, in the connection's schema. */
export class StripeSyncInit1795759421504 implements MigrationInterface {
  name = 'StripeSyncInit1795759421504';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = inSchema(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_subscription_items')} ("id" character varying(255) NOT NULL, ` +
        `"subscription_id" character varying(255) NOT NULL, "price_id" character varying(255), ` +
        `"product_id" character varying(255), "quantity" integer, "current_period_start" TIMESTAMP(3), ` +
        `"current_period_end" TIMESTAMP(3), "created" TIMESTAMP(3), "metadata" json NOT NULL, "raw" json NOT NULL, ` +
        `"deleted_at" TIMESTAMP(3), "observed_at" TIMESTAMP(3) NOT NULL, "synced_at" TIMESTAMP(3) NOT NULL, ` +
        `CONSTRAINT "PK_77974d43b833ebe4fa748c19a2f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_65bc6af44e85ed5a42ecb1ea99" ON ${table('stripe_subscription_items')} ("subscription_id")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_subscriptions')} ("id" character varying(255) NOT NULL, ` +
        `"customer_id" character varying(255) NOT NULL, "status" character varying(32) NOT NULL, ` +
        `"currency" character varying(3), "collection_method" character varying(32), ` +
        `"cancel_at_period_end" boolean NOT NULL DEFAULT false, "cancel_at" TIMESTAMP(3), "canceled_at" TIMESTAMP(3), ` +
        `"ended_at" TIMESTAMP(3), "start_date" TIMESTAMP(3), "trial_start" TIMESTAMP(3), "trial_end" TIMESTAMP(3), ` +
        `"current_period_start" TIMESTAMP(3), "current_period_end" TIMESTAMP(3), ` +
        `"latest_invoice_id" character varying(255), "livemode" boolean NOT NULL DEFAULT false, "metadata" json NOT NULL, ` +
        `"created" TIMESTAMP(3) NOT NULL, "raw" json NOT NULL, "deleted_at" TIMESTAMP(3), ` +
        `"observed_at" TIMESTAMP(3) NOT NULL, "synced_at" TIMESTAMP(3) NOT NULL, ` +
        `CONSTRAINT "PK_d080e8fabf1076cbd59385308c8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_47bb24991985e608948820d9a6" ON ${table('stripe_subscriptions')} ("customer_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_ca6b213e952e09262bc99889a2" ON ${table('stripe_subscriptions')} ("status")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_sync_locks')} ("name" character varying(64) NOT NULL, ` +
        `"owner" character varying(64) NOT NULL, "expires_at" TIMESTAMP(3) NOT NULL, ` +
        `CONSTRAINT "PK_28c4bdc5d25ac5fb6ffd6a7e57a" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_sync_runs')} ("id" character varying(36) NOT NULL, ` +
        `"object" character varying(64) NOT NULL, "status" character varying(16) NOT NULL, ` +
        `"started_at" TIMESTAMP(3) NOT NULL, "finished_at" TIMESTAMP(3), "seen" integer NOT NULL DEFAULT '0', ` +
        `"inserted" integer NOT NULL DEFAULT '0', "updated" integer NOT NULL DEFAULT '0', ` +
        `"restored" integer NOT NULL DEFAULT '0', "soft_deleted" integer NOT NULL DEFAULT '0', ` +
        `"requests" integer NOT NULL DEFAULT '0', "error" text, ` +
        `CONSTRAINT "PK_e02b2504579d30ff74540fb88e5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_3f1de666ef6ca3306888afdd04" ON ${table('stripe_sync_runs')} ("object", "status")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_sync_slices')} ("id" character varying(36) NOT NULL, ` +
        `"run_id" character varying(36) NOT NULL, "created_gte" bigint NOT NULL, "created_lt" bigint, ` +
        `"cursor" character varying(255), "cursor_created" bigint, "done" boolean NOT NULL DEFAULT false, ` +
        `"objects" integer NOT NULL DEFAULT '0', "inserted" integer NOT NULL DEFAULT '0', ` +
        `"updated" integer NOT NULL DEFAULT '0', "restored" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_82aae0e19a859c5842268cbd4f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_01471418cb6b7b75151d9ec51c" ON ${table('stripe_sync_slices')} ("run_id")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_sync_state')} ("key" character varying(64) NOT NULL, ` +
        `"value" character varying(255) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, ` +
        `CONSTRAINT "PK_f1f2e5689ae12661ddd310e29a5" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_events')} ("id" character varying(255) NOT NULL, ` +
        `"type" character varying(128) NOT NULL, "created" TIMESTAMP(3) NOT NULL, ` +
        `"livemode" boolean NOT NULL DEFAULT false, "object_id" character varying(255), ` +
        `"status" character varying(16) NOT NULL, "outcome" character varying(16), "error" text, "handler_error" text, ` +
        `"attempts" integer NOT NULL DEFAULT '1', "source" character varying(16) NOT NULL, ` +
        `"received_at" TIMESTAMP(3) NOT NULL, "claimed_at" TIMESTAMP(3) NOT NULL, "processed_at" TIMESTAMP(3), ` +
        `CONSTRAINT "PK_d3247bd5fc3f66b6982bbcdd897" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_245ea167606b38c1e06cf244a7" ON ${table('stripe_events')} ("type")`);
    await queryRunner.query(`CREATE INDEX "IDX_3e901680a36441581609c1e7f8" ON ${table('stripe_events')} ("object_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_4d617ecf567f4e223f0ea8dbf1" ON ${table('stripe_events')} ("status")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const table = inSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${table('stripe_events')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_sync_state')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_sync_slices')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_sync_runs')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_sync_locks')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_subscriptions')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_subscription_items')}`);
  }
}
