import type { MigrationInterface, QueryRunner } from 'typeorm';
import { inSchema } from './in-schema.js';
/**
 * The billing model on PostgreSQL: a table per mirrored type (customers, products, prices, invoices and their lines,
 * payment intents, charges, refunds, and Connect's accounts), `account_id` on the subscription tables, and
 * `parent_run_id` and `account_id` on runs (a run of the whole account; runs per connected account). No foreign
 * keys: Stripe's objects arrive in any order.
 */
export class StripeSyncBillingModel1796100000000 implements MigrationInterface {
  name = 'StripeSyncBillingModel1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = inSchema(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_products')} ("id" character varying(255) NOT NULL, ` +
        `"account_id" character varying(255), "metadata" json NOT NULL, "raw" json NOT NULL, ` +
        `"deleted_at" TIMESTAMP(3) WITH TIME ZONE, "observed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `"synced_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "name" text, "description" text, "active" boolean, ` +
        `"default_price_id" character varying(255), "tax_code_id" character varying(255), ` +
        `"unit_label" character varying(255), "livemode" boolean, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "PK_8c5a4b154f50b23272cc98d9a6d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_a629ae2aac2d59e6d3ee215981" ON ${table('stripe_products')} ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_e80ce5f8fa309e8481852c06ee" ON ${table('stripe_products')} ("active")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_prices')} ("id" character varying(255) NOT NULL, ` +
        `"account_id" character varying(255), "metadata" json NOT NULL, "raw" json NOT NULL, ` +
        `"deleted_at" TIMESTAMP(3) WITH TIME ZONE, "observed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `"synced_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "product_id" character varying(255), "active" boolean, ` +
        `"currency" character varying(64), "unit_amount" bigint, "unit_amount_decimal" character varying(64), ` +
        `"type" character varying(64), "billing_scheme" character varying(64), ` +
        `"recurring_interval" character varying(64), "recurring_interval_count" integer, ` +
        `"recurring_usage_type" character varying(64), "lookup_key" character varying(255), "nickname" text, ` +
        `"tax_behavior" character varying(64), "livemode" boolean, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "PK_92095112c498da118e07f686d0a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_ccad4c4479b1fd94eddf716b85" ON ${table('stripe_prices')} ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_2750dbbaadf8273e1bf91964bc" ON ${table('stripe_prices')} ("product_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_b2ca24d94c9cd01da3472d21b6" ON ${table('stripe_prices')} ("active")`);
    await queryRunner.query(`CREATE INDEX "IDX_93336971b17e78e796163751aa" ON ${table('stripe_prices')} ("lookup_key")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_customers')} ("id" character varying(255) NOT NULL, ` +
        `"account_id" character varying(255), "metadata" json NOT NULL, "raw" json NOT NULL, ` +
        `"deleted_at" TIMESTAMP(3) WITH TIME ZONE, "observed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `"synced_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "email" character varying(512), ` +
        `"name" character varying(512), "phone" character varying(64), "description" text, ` +
        `"currency" character varying(64), "balance" bigint, "delinquent" boolean, ` +
        `"default_payment_method_id" character varying(255), "invoice_prefix" character varying(64), "livemode" boolean, ` +
        `"created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "PK_04d1cce981fe2fc3688e52bf2b6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_766f8e4232c61e29f19d7ae18e" ON ${table('stripe_customers')} ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_92b176945a63810bf7ddcbafe5" ON ${table('stripe_customers')} ("email")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_accounts')} ("id" character varying(255) NOT NULL, ` +
        `"account_id" character varying(255), "metadata" json NOT NULL, "raw" json NOT NULL, ` +
        `"deleted_at" TIMESTAMP(3) WITH TIME ZONE, "observed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `"synced_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "type" character varying(64), ` +
        `"business_name" character varying(512), "email" character varying(512), "country" character varying(64), ` +
        `"charges_enabled" boolean, "payouts_enabled" boolean, "details_submitted" boolean, "capabilities" json, ` +
        `"created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "PK_e2022498b81a00e4c9e5b00f418" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_334bc57fa7d1c90e335354d1e6" ON ${table('stripe_accounts')} ("account_id")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_payment_intents')} ("id" character varying(255) NOT NULL, ` +
        `"account_id" character varying(255), "metadata" json NOT NULL, "raw" json NOT NULL, ` +
        `"deleted_at" TIMESTAMP(3) WITH TIME ZONE, "observed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `"synced_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "customer_id" character varying(255), ` +
        `"invoice_id" character varying(255), "status" character varying(64), "amount" bigint, "amount_received" bigint, ` +
        `"currency" character varying(64), "capture_method" character varying(64), ` +
        `"payment_method_id" character varying(255), "latest_charge_id" character varying(255), ` +
        `"cancellation_reason" character varying(64), "description" text, "livemode" boolean, ` +
        `"created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "PK_07e07f49b62e9c932204aae4caa" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_40d78dd33c58605c8899b653b4" ON ${table('stripe_payment_intents')} ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_7e36a553a896f64902b2cc2b5b" ON ${table('stripe_payment_intents')} ("customer_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_92fa1086cf6aa75cfd19f45312" ON ${table('stripe_payment_intents')} ("invoice_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_36771c229aff01bb72f1af3e91" ON ${table('stripe_payment_intents')} ("status")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_charges')} ("id" character varying(255) NOT NULL, ` +
        `"account_id" character varying(255), "metadata" json NOT NULL, "raw" json NOT NULL, ` +
        `"deleted_at" TIMESTAMP(3) WITH TIME ZONE, "observed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `"synced_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "customer_id" character varying(255), ` +
        `"payment_intent_id" character varying(255), "invoice_id" character varying(255), ` +
        `"status" character varying(64), "paid" boolean, "captured" boolean, "refunded" boolean, "amount" bigint, ` +
        `"amount_captured" bigint, "amount_refunded" bigint, "currency" character varying(64), ` +
        `"failure_code" character varying(64), "failure_message" text, "outcome_type" character varying(64), ` +
        `"receipt_url" text, "livemode" boolean, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "PK_2f55a151dc51e09741f544166b0" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_7851ded00548ff3f939bba3ee6" ON ${table('stripe_charges')} ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_99908a319d7187e887cf09c5a8" ON ${table('stripe_charges')} ("customer_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_e6839a51b72d5be484a3049525" ON ${table('stripe_charges')} ("payment_intent_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_4aa9ff533dadc94bb685cb07a6" ON ${table('stripe_charges')} ("status")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_invoices')} ("id" character varying(255) NOT NULL, ` +
        `"account_id" character varying(255), "metadata" json NOT NULL, "raw" json NOT NULL, ` +
        `"deleted_at" TIMESTAMP(3) WITH TIME ZONE, "observed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `"synced_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "customer_id" character varying(255), ` +
        `"subscription_id" character varying(255), "status" character varying(64), "number" character varying(255), ` +
        `"currency" character varying(64), "amount_due" bigint, "amount_paid" bigint, "amount_remaining" bigint, ` +
        `"total" bigint, "subtotal" bigint, "attempt_count" integer, "billing_reason" character varying(64), ` +
        `"collection_method" character varying(64), "due_date" TIMESTAMP(3) WITH TIME ZONE, ` +
        `"period_start" TIMESTAMP(3) WITH TIME ZONE, "period_end" TIMESTAMP(3) WITH TIME ZONE, ` +
        `"hosted_invoice_url" text, "paid_at" TIMESTAMP(3) WITH TIME ZONE, "livemode" boolean, ` +
        `"created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "PK_c8dc64dc2b776439f6f2da7b6c9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_f75834f8e311ff0dde61e642ca" ON ${table('stripe_invoices')} ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_37a8a86f8238fa822b78d61836" ON ${table('stripe_invoices')} ("customer_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_52db3fa4184c49d5659e12a429" ON ${table('stripe_invoices')} ("subscription_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_bf1bd90563ffe03e37ff17f6e3" ON ${table('stripe_invoices')} ("status")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_invoice_line_items')} ("id" character varying(255) NOT NULL, ` +
        `"account_id" character varying(255), "metadata" json NOT NULL, "raw" json NOT NULL, ` +
        `"deleted_at" TIMESTAMP(3) WITH TIME ZONE, "observed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `"synced_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "invoice_id" character varying(255) NOT NULL, ` +
        `"amount" bigint, "currency" character varying(64), "description" text, "price_id" character varying(255), ` +
        `"quantity" integer, "period_start" TIMESTAMP(3) WITH TIME ZONE, "period_end" TIMESTAMP(3) WITH TIME ZONE, ` +
        `"proration" boolean, "subscription_item_id" character varying(255), "subscription_id" character varying(255), ` +
        `CONSTRAINT "PK_86c6c2a42276e52d01eb87d92e3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_20b5a3a150aee16c6f55eabb8c" ON ${table('stripe_invoice_line_items')} ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_da4f6c89e51a44be36f5b73ff4" ON ${table('stripe_invoice_line_items')} ("invoice_id")`);
    await queryRunner.query(
      `CREATE TABLE ${table('stripe_refunds')} ("id" character varying(255) NOT NULL, ` +
        `"account_id" character varying(255), "metadata" json NOT NULL, "raw" json NOT NULL, ` +
        `"deleted_at" TIMESTAMP(3) WITH TIME ZONE, "observed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `"synced_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "charge_id" character varying(255), ` +
        `"payment_intent_id" character varying(255), "status" character varying(64), "amount" bigint, ` +
        `"currency" character varying(64), "reason" character varying(64), ` +
        `"created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "PK_555aeddb80a1dc91e01c72fc0ac" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_c384249a0891abef754147ca12" ON ${table('stripe_refunds')} ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_cf9113c90b6db5d096993dca62" ON ${table('stripe_refunds')} ("charge_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_b535ca4223a8ac19730bf59ea9" ON ${table('stripe_refunds')} ("payment_intent_id")`);
    await queryRunner.query(`ALTER TABLE ${table('stripe_sync_runs')} ADD "parent_run_id" character varying(36)`);
    await queryRunner.query(`ALTER TABLE ${table('stripe_sync_runs')} ADD "account_id" character varying(255)`);
    await queryRunner.query(`ALTER TABLE ${table('stripe_subscriptions')} ADD "account_id" character varying(255)`);
    await queryRunner.query(`ALTER TABLE ${table('stripe_subscription_items')} ADD "account_id" character varying(255)`);
    await queryRunner.query(`CREATE INDEX "IDX_f4731a41eb1e1ff7c38ca306c6" ON ${table('stripe_sync_runs')} ("parent_run_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_e4fd165f3caa027075462dec99" ON ${table('stripe_sync_runs')} ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_0e5ce1875462c891ba0c73bda8" ON ${table('stripe_subscriptions')} ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_bfc13bf5b7605cabe7c5d803e1" ON ${table('stripe_subscription_items')} ("account_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const table = inSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${table('stripe_refunds')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_invoice_line_items')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_invoices')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_charges')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_payment_intents')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_accounts')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_customers')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_prices')}`);
    await queryRunner.query(`DROP TABLE ${table('stripe_products')}`);
    await queryRunner.query(`DROP INDEX ${table('IDX_f4731a41eb1e1ff7c38ca306c6')}`);
    await queryRunner.query(`DROP INDEX ${table('IDX_e4fd165f3caa027075462dec99')}`);
    await queryRunner.query(`DROP INDEX ${table('IDX_0e5ce1875462c891ba0c73bda8')}`);
    await queryRunner.query(`DROP INDEX ${table('IDX_bfc13bf5b7605cabe7c5d803e1')}`);
    await queryRunner.query(`ALTER TABLE ${table('stripe_sync_runs')} DROP COLUMN "parent_run_id"`);
    await queryRunner.query(`ALTER TABLE ${table('stripe_sync_runs')} DROP COLUMN "account_id"`);
    await queryRunner.query(`ALTER TABLE ${table('stripe_subscriptions')} DROP COLUMN "account_id"`);
    await queryRunner.query(`ALTER TABLE ${table('stripe_subscription_items')} DROP COLUMN "account_id"`);
  }
}
