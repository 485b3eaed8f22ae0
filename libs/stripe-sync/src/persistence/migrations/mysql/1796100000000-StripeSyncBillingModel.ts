import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The billing model on MySQL and MariaDB: a table per mirrored type (customers, products, prices, invoices and their
 * lines, payment intents, charges, refunds, and Connect's accounts), `account_id` on the subscription tables, and
 * `parent_run_id` and `account_id` on runs (a run of the whole account; runs per connected account). Binary
 * collation, as the first migration: Stripe ids are case-sensitive.
 */
export class StripeSyncBillingModel1796100000000 implements MigrationInterface {
  name = 'StripeSyncBillingModel1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `stripe_products` (`id` varchar(255) NOT NULL, `account_id` varchar(255) NULL, ' +
        '`metadata` json NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, ' +
        '`observed_at` datetime(3) NOT NULL, `synced_at` datetime(3) NOT NULL, `name` text NULL, ' +
        '`description` text NULL, `active` tinyint NULL, `default_price_id` varchar(255) NULL, ' +
        '`tax_code_id` varchar(255) NULL, `unit_label` varchar(255) NULL, `livemode` tinyint NULL, ' +
        '`created` datetime(3) NOT NULL, INDEX `IDX_a629ae2aac2d59e6d3ee215981` (`account_id`), ' +
        'INDEX `IDX_e80ce5f8fa309e8481852c06ee` (`active`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_prices` (`id` varchar(255) NOT NULL, `account_id` varchar(255) NULL, ' +
        '`metadata` json NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, ' +
        '`observed_at` datetime(3) NOT NULL, `synced_at` datetime(3) NOT NULL, `product_id` varchar(255) NULL, ' +
        '`active` tinyint NULL, `currency` varchar(64) NULL, `unit_amount` bigint NULL, ' +
        '`unit_amount_decimal` varchar(64) NULL, `type` varchar(64) NULL, `billing_scheme` varchar(64) NULL, ' +
        '`recurring_interval` varchar(64) NULL, `recurring_interval_count` int NULL, ' +
        '`recurring_usage_type` varchar(64) NULL, `lookup_key` varchar(255) NULL, `nickname` text NULL, ' +
        '`tax_behavior` varchar(64) NULL, `livemode` tinyint NULL, `created` datetime(3) NOT NULL, ' +
        'INDEX `IDX_ccad4c4479b1fd94eddf716b85` (`account_id`), INDEX `IDX_2750dbbaadf8273e1bf91964bc` (`product_id`), ' +
        'INDEX `IDX_b2ca24d94c9cd01da3472d21b6` (`active`), INDEX `IDX_93336971b17e78e796163751aa` (`lookup_key`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_customers` (`id` varchar(255) NOT NULL, `account_id` varchar(255) NULL, ' +
        '`metadata` json NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, ' +
        '`observed_at` datetime(3) NOT NULL, `synced_at` datetime(3) NOT NULL, `email` varchar(512) NULL, ' +
        '`name` varchar(512) NULL, `phone` varchar(64) NULL, `description` text NULL, `currency` varchar(64) NULL, ' +
        '`balance` bigint NULL, `delinquent` tinyint NULL, `default_payment_method_id` varchar(255) NULL, ' +
        '`invoice_prefix` varchar(64) NULL, `livemode` tinyint NULL, `created` datetime(3) NOT NULL, ' +
        'INDEX `IDX_766f8e4232c61e29f19d7ae18e` (`account_id`), INDEX `IDX_92b176945a63810bf7ddcbafe5` (`email`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_accounts` (`id` varchar(255) NOT NULL, `account_id` varchar(255) NULL, ' +
        '`metadata` json NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, ' +
        '`observed_at` datetime(3) NOT NULL, `synced_at` datetime(3) NOT NULL, `type` varchar(64) NULL, ' +
        '`business_name` varchar(512) NULL, `email` varchar(512) NULL, `country` varchar(64) NULL, ' +
        '`charges_enabled` tinyint NULL, `payouts_enabled` tinyint NULL, `details_submitted` tinyint NULL, ' +
        '`capabilities` json NULL, `created` datetime(3) NOT NULL, ' +
        'INDEX `IDX_334bc57fa7d1c90e335354d1e6` (`account_id`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_payment_intents` (`id` varchar(255) NOT NULL, `account_id` varchar(255) NULL, ' +
        '`metadata` json NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, ' +
        '`observed_at` datetime(3) NOT NULL, `synced_at` datetime(3) NOT NULL, `customer_id` varchar(255) NULL, ' +
        '`invoice_id` varchar(255) NULL, `status` varchar(64) NULL, `amount` bigint NULL, `amount_received` bigint NULL, ' +
        '`currency` varchar(64) NULL, `capture_method` varchar(64) NULL, `payment_method_id` varchar(255) NULL, ' +
        '`latest_charge_id` varchar(255) NULL, `cancellation_reason` varchar(64) NULL, `description` text NULL, ' +
        '`livemode` tinyint NULL, `created` datetime(3) NOT NULL, INDEX `IDX_40d78dd33c58605c8899b653b4` (`account_id`), ' +
        'INDEX `IDX_7e36a553a896f64902b2cc2b5b` (`customer_id`), INDEX `IDX_92fa1086cf6aa75cfd19f45312` (`invoice_id`), ' +
        'INDEX `IDX_36771c229aff01bb72f1af3e91` (`status`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_charges` (`id` varchar(255) NOT NULL, `account_id` varchar(255) NULL, ' +
        '`metadata` json NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, ' +
        '`observed_at` datetime(3) NOT NULL, `synced_at` datetime(3) NOT NULL, `customer_id` varchar(255) NULL, ' +
        '`payment_intent_id` varchar(255) NULL, `invoice_id` varchar(255) NULL, `status` varchar(64) NULL, ' +
        '`paid` tinyint NULL, `captured` tinyint NULL, `refunded` tinyint NULL, `amount` bigint NULL, ' +
        '`amount_captured` bigint NULL, `amount_refunded` bigint NULL, `currency` varchar(64) NULL, ' +
        '`failure_code` varchar(64) NULL, `failure_message` text NULL, `outcome_type` varchar(64) NULL, ' +
        '`receipt_url` text NULL, `livemode` tinyint NULL, `created` datetime(3) NOT NULL, ' +
        'INDEX `IDX_7851ded00548ff3f939bba3ee6` (`account_id`), INDEX `IDX_99908a319d7187e887cf09c5a8` (`customer_id`), ' +
        'INDEX `IDX_e6839a51b72d5be484a3049525` (`payment_intent_id`), ' +
        'INDEX `IDX_4aa9ff533dadc94bb685cb07a6` (`status`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_invoices` (`id` varchar(255) NOT NULL, `account_id` varchar(255) NULL, ' +
        '`metadata` json NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, ' +
        '`observed_at` datetime(3) NOT NULL, `synced_at` datetime(3) NOT NULL, `customer_id` varchar(255) NULL, ' +
        '`subscription_id` varchar(255) NULL, `status` varchar(64) NULL, `number` varchar(255) NULL, ' +
        '`currency` varchar(64) NULL, `amount_due` bigint NULL, `amount_paid` bigint NULL, ' +
        '`amount_remaining` bigint NULL, `total` bigint NULL, `subtotal` bigint NULL, `attempt_count` int NULL, ' +
        '`billing_reason` varchar(64) NULL, `collection_method` varchar(64) NULL, `due_date` datetime(3) NULL, ' +
        '`period_start` datetime(3) NULL, `period_end` datetime(3) NULL, `hosted_invoice_url` text NULL, ' +
        '`paid_at` datetime(3) NULL, `livemode` tinyint NULL, `created` datetime(3) NOT NULL, ' +
        'INDEX `IDX_f75834f8e311ff0dde61e642ca` (`account_id`), INDEX `IDX_37a8a86f8238fa822b78d61836` (`customer_id`), ' +
        'INDEX `IDX_52db3fa4184c49d5659e12a429` (`subscription_id`), INDEX `IDX_bf1bd90563ffe03e37ff17f6e3` (`status`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_invoice_line_items` (`id` varchar(255) NOT NULL, `account_id` varchar(255) NULL, ' +
        '`metadata` json NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, ' +
        '`observed_at` datetime(3) NOT NULL, `synced_at` datetime(3) NOT NULL, `invoice_id` varchar(255) NOT NULL, ' +
        '`amount` bigint NULL, `currency` varchar(64) NULL, `description` text NULL, `price_id` varchar(255) NULL, ' +
        '`quantity` int NULL, `period_start` datetime(3) NULL, `period_end` datetime(3) NULL, `proration` tinyint NULL, ' +
        '`subscription_item_id` varchar(255) NULL, `subscription_id` varchar(255) NULL, ' +
        'INDEX `IDX_20b5a3a150aee16c6f55eabb8c` (`account_id`), INDEX `IDX_da4f6c89e51a44be36f5b73ff4` (`invoice_id`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_refunds` (`id` varchar(255) NOT NULL, `account_id` varchar(255) NULL, ' +
        '`metadata` json NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, ' +
        '`observed_at` datetime(3) NOT NULL, `synced_at` datetime(3) NOT NULL, `charge_id` varchar(255) NULL, ' +
        '`payment_intent_id` varchar(255) NULL, `status` varchar(64) NULL, `amount` bigint NULL, ' +
        '`currency` varchar(64) NULL, `reason` varchar(64) NULL, `created` datetime(3) NOT NULL, ' +
        'INDEX `IDX_c384249a0891abef754147ca12` (`account_id`), INDEX `IDX_cf9113c90b6db5d096993dca62` (`charge_id`), ' +
        'INDEX `IDX_b535ca4223a8ac19730bf59ea9` (`payment_intent_id`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query('ALTER TABLE `stripe_sync_runs` ADD `parent_run_id` varchar(36) NULL');
    await queryRunner.query('ALTER TABLE `stripe_sync_runs` ADD `account_id` varchar(255) NULL');
    await queryRunner.query('ALTER TABLE `stripe_subscriptions` ADD `account_id` varchar(255) NULL');
    await queryRunner.query('ALTER TABLE `stripe_subscription_items` ADD `account_id` varchar(255) NULL');
    await queryRunner.query('CREATE INDEX `IDX_f4731a41eb1e1ff7c38ca306c6` ON `stripe_sync_runs` (`parent_run_id`)');
    await queryRunner.query('CREATE INDEX `IDX_e4fd165f3caa027075462dec99` ON `stripe_sync_runs` (`account_id`)');
    await queryRunner.query('CREATE INDEX `IDX_0e5ce1875462c891ba0c73bda8` ON `stripe_subscriptions` (`account_id`)');
    await queryRunner.query('CREATE INDEX `IDX_bfc13bf5b7605cabe7c5d803e1` ON `stripe_subscription_items` (`account_id`)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `stripe_refunds`');
    await queryRunner.query('DROP TABLE `stripe_invoice_line_items`');
    await queryRunner.query('DROP TABLE `stripe_invoices`');
    await queryRunner.query('DROP TABLE `stripe_charges`');
    await queryRunner.query('DROP TABLE `stripe_payment_intents`');
    await queryRunner.query('DROP TABLE `stripe_accounts`');
    await queryRunner.query('DROP TABLE `stripe_customers`');
    await queryRunner.query('DROP TABLE `stripe_prices`');
    await queryRunner.query('DROP TABLE `stripe_products`');
    await queryRunner.query('DROP INDEX `IDX_f4731a41eb1e1ff7c38ca306c6` ON `stripe_sync_runs`');
    await queryRunner.query('DROP INDEX `IDX_e4fd165f3caa027075462dec99` ON `stripe_sync_runs`');
    await queryRunner.query('DROP INDEX `IDX_0e5ce1875462c891ba0c73bda8` ON `stripe_subscriptions`');
    await queryRunner.query('DROP INDEX `IDX_bfc13bf5b7605cabe7c5d803e1` ON `stripe_subscription_items`');
    await queryRunner.query('ALTER TABLE `stripe_sync_runs` DROP COLUMN `parent_run_id`');
    await queryRunner.query('ALTER TABLE `stripe_sync_runs` DROP COLUMN `account_id`');
    await queryRunner.query('ALTER TABLE `stripe_subscriptions` DROP COLUMN `account_id`');
    await queryRunner.query('ALTER TABLE `stripe_subscription_items` DROP COLUMN `account_id`');
  }
}
