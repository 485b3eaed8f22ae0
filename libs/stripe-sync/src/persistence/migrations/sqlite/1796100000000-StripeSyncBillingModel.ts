import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The billing model on SQLite: a table per mirrored type (customers, products, prices, invoices and their lines,
 * payment intents, charges, refunds, and Connect's accounts), `account_id` on the subscription tables, and
 * `parent_run_id` and `account_id` on runs (a run of the whole account; runs per connected account). No foreign
 * keys: Stripe's objects arrive in any order.
 */
export class StripeSyncBillingModel1796100000000 implements MigrationInterface {
  name = 'StripeSyncBillingModel1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "stripe_products" ("id" varchar(255) PRIMARY KEY NOT NULL, "account_id" varchar(255), ` +
        `"metadata" json NOT NULL, "raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL, "name" text, "description" text, "active" boolean, ` +
        `"default_price_id" varchar(255), "tax_code_id" varchar(255), "unit_label" varchar(255), "livemode" boolean, ` +
        `"created" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_prices" ("id" varchar(255) PRIMARY KEY NOT NULL, "account_id" varchar(255), ` +
        `"metadata" json NOT NULL, "raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL, "product_id" varchar(255), "active" boolean, "currency" varchar(64), ` +
        `"unit_amount" bigint, "unit_amount_decimal" varchar(64), "type" varchar(64), "billing_scheme" varchar(64), ` +
        `"recurring_interval" varchar(64), "recurring_interval_count" integer, "recurring_usage_type" varchar(64), ` +
        `"lookup_key" varchar(255), "nickname" text, "tax_behavior" varchar(64), "livemode" boolean, ` +
        `"created" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_customers" ("id" varchar(255) PRIMARY KEY NOT NULL, "account_id" varchar(255), ` +
        `"metadata" json NOT NULL, "raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL, "email" varchar(512), "name" varchar(512), "phone" varchar(64), ` +
        `"description" text, "currency" varchar(64), "balance" bigint, "delinquent" boolean, ` +
        `"default_payment_method_id" varchar(255), "invoice_prefix" varchar(64), "livemode" boolean, ` +
        `"created" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_accounts" ("id" varchar(255) PRIMARY KEY NOT NULL, "account_id" varchar(255), ` +
        `"metadata" json NOT NULL, "raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL, "type" varchar(64), "business_name" varchar(512), "email" varchar(512), ` +
        `"country" varchar(64), "charges_enabled" boolean, "payouts_enabled" boolean, "details_submitted" boolean, ` +
        `"capabilities" json, "created" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_payment_intents" ("id" varchar(255) PRIMARY KEY NOT NULL, "account_id" varchar(255), ` +
        `"metadata" json NOT NULL, "raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL, "customer_id" varchar(255), "invoice_id" varchar(255), "status" varchar(64), ` +
        `"amount" bigint, "amount_received" bigint, "currency" varchar(64), "capture_method" varchar(64), ` +
        `"payment_method_id" varchar(255), "latest_charge_id" varchar(255), "cancellation_reason" varchar(64), ` +
        `"description" text, "livemode" boolean, "created" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_charges" ("id" varchar(255) PRIMARY KEY NOT NULL, "account_id" varchar(255), ` +
        `"metadata" json NOT NULL, "raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL, "customer_id" varchar(255), "payment_intent_id" varchar(255), ` +
        `"invoice_id" varchar(255), "status" varchar(64), "paid" boolean, "captured" boolean, "refunded" boolean, ` +
        `"amount" bigint, "amount_captured" bigint, "amount_refunded" bigint, "currency" varchar(64), ` +
        `"failure_code" varchar(64), "failure_message" text, "outcome_type" varchar(64), "receipt_url" text, ` +
        `"livemode" boolean, "created" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_invoices" ("id" varchar(255) PRIMARY KEY NOT NULL, "account_id" varchar(255), ` +
        `"metadata" json NOT NULL, "raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL, "customer_id" varchar(255), "subscription_id" varchar(255), ` +
        `"status" varchar(64), "number" varchar(255), "currency" varchar(64), "amount_due" bigint, "amount_paid" bigint, ` +
        `"amount_remaining" bigint, "total" bigint, "subtotal" bigint, "attempt_count" integer, ` +
        `"billing_reason" varchar(64), "collection_method" varchar(64), "due_date" datetime(3), ` +
        `"period_start" datetime(3), "period_end" datetime(3), "hosted_invoice_url" text, "paid_at" datetime(3), ` +
        `"livemode" boolean, "created" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_invoice_line_items" ("id" varchar(255) PRIMARY KEY NOT NULL, "account_id" varchar(255), ` +
        `"metadata" json NOT NULL, "raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL, "invoice_id" varchar(255) NOT NULL, "amount" bigint, "currency" varchar(64), ` +
        `"description" text, "price_id" varchar(255), "quantity" integer, "period_start" datetime(3), ` +
        `"period_end" datetime(3), "proration" boolean, "subscription_item_id" varchar(255), ` +
        `"subscription_id" varchar(255))`,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_refunds" ("id" varchar(255) PRIMARY KEY NOT NULL, "account_id" varchar(255), ` +
        `"metadata" json NOT NULL, "raw" json NOT NULL, "deleted_at" datetime(3), "observed_at" datetime(3) NOT NULL, ` +
        `"synced_at" datetime(3) NOT NULL, "charge_id" varchar(255), "payment_intent_id" varchar(255), ` +
        `"status" varchar(64), "amount" bigint, "currency" varchar(64), "reason" varchar(64), ` +
        `"created" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_a629ae2aac2d59e6d3ee215981" ON "stripe_products" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_e80ce5f8fa309e8481852c06ee" ON "stripe_products" ("active")`);
    await queryRunner.query(`CREATE INDEX "IDX_ccad4c4479b1fd94eddf716b85" ON "stripe_prices" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_2750dbbaadf8273e1bf91964bc" ON "stripe_prices" ("product_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_b2ca24d94c9cd01da3472d21b6" ON "stripe_prices" ("active")`);
    await queryRunner.query(`CREATE INDEX "IDX_93336971b17e78e796163751aa" ON "stripe_prices" ("lookup_key")`);
    await queryRunner.query(`CREATE INDEX "IDX_766f8e4232c61e29f19d7ae18e" ON "stripe_customers" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_92b176945a63810bf7ddcbafe5" ON "stripe_customers" ("email")`);
    await queryRunner.query(`CREATE INDEX "IDX_334bc57fa7d1c90e335354d1e6" ON "stripe_accounts" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_40d78dd33c58605c8899b653b4" ON "stripe_payment_intents" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_7e36a553a896f64902b2cc2b5b" ON "stripe_payment_intents" ("customer_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_92fa1086cf6aa75cfd19f45312" ON "stripe_payment_intents" ("invoice_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_36771c229aff01bb72f1af3e91" ON "stripe_payment_intents" ("status")`);
    await queryRunner.query(`CREATE INDEX "IDX_7851ded00548ff3f939bba3ee6" ON "stripe_charges" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_99908a319d7187e887cf09c5a8" ON "stripe_charges" ("customer_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_e6839a51b72d5be484a3049525" ON "stripe_charges" ("payment_intent_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_4aa9ff533dadc94bb685cb07a6" ON "stripe_charges" ("status")`);
    await queryRunner.query(`CREATE INDEX "IDX_f75834f8e311ff0dde61e642ca" ON "stripe_invoices" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_37a8a86f8238fa822b78d61836" ON "stripe_invoices" ("customer_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_52db3fa4184c49d5659e12a429" ON "stripe_invoices" ("subscription_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_bf1bd90563ffe03e37ff17f6e3" ON "stripe_invoices" ("status")`);
    await queryRunner.query(`CREATE INDEX "IDX_20b5a3a150aee16c6f55eabb8c" ON "stripe_invoice_line_items" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_da4f6c89e51a44be36f5b73ff4" ON "stripe_invoice_line_items" ("invoice_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_c384249a0891abef754147ca12" ON "stripe_refunds" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_cf9113c90b6db5d096993dca62" ON "stripe_refunds" ("charge_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_b535ca4223a8ac19730bf59ea9" ON "stripe_refunds" ("payment_intent_id")`);
    await queryRunner.query(`ALTER TABLE "stripe_sync_runs" ADD COLUMN "parent_run_id" varchar(36)`);
    await queryRunner.query(`ALTER TABLE "stripe_sync_runs" ADD COLUMN "account_id" varchar(255)`);
    await queryRunner.query(`ALTER TABLE "stripe_subscriptions" ADD COLUMN "account_id" varchar(255)`);
    await queryRunner.query(`ALTER TABLE "stripe_subscription_items" ADD COLUMN "account_id" varchar(255)`);
    await queryRunner.query(`CREATE INDEX "IDX_f4731a41eb1e1ff7c38ca306c6" ON "stripe_sync_runs" ("parent_run_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_e4fd165f3caa027075462dec99" ON "stripe_sync_runs" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_0e5ce1875462c891ba0c73bda8" ON "stripe_subscriptions" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_bfc13bf5b7605cabe7c5d803e1" ON "stripe_subscription_items" ("account_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "stripe_refunds"`);
    await queryRunner.query(`DROP TABLE "stripe_invoice_line_items"`);
    await queryRunner.query(`DROP TABLE "stripe_invoices"`);
    await queryRunner.query(`DROP TABLE "stripe_charges"`);
    await queryRunner.query(`DROP TABLE "stripe_payment_intents"`);
    await queryRunner.query(`DROP TABLE "stripe_accounts"`);
    await queryRunner.query(`DROP TABLE "stripe_customers"`);
    await queryRunner.query(`DROP TABLE "stripe_prices"`);
    await queryRunner.query(`DROP TABLE "stripe_products"`);
    await queryRunner.query(`DROP INDEX "IDX_f4731a41eb1e1ff7c38ca306c6"`);
    await queryRunner.query(`DROP INDEX "IDX_e4fd165f3caa027075462dec99"`);
    await queryRunner.query(`DROP INDEX "IDX_0e5ce1875462c891ba0c73bda8"`);
    await queryRunner.query(`DROP INDEX "IDX_bfc13bf5b7605cabe7c5d803e1"`);
    await queryRunner.query(`ALTER TABLE "stripe_sync_runs" DROP COLUMN "parent_run_id"`);
    await queryRunner.query(`ALTER TABLE "stripe_sync_runs" DROP COLUMN "account_id"`);
    await queryRunner.query(`ALTER TABLE "stripe_subscriptions" DROP COLUMN "account_id"`);
    await queryRunner.query(`ALTER TABLE "stripe_subscription_items" DROP COLUMN "account_id"`);
  }
}
