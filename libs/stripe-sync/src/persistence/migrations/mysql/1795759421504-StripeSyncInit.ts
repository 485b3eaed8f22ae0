import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables of nestjs-stripe-sync on MySQL and MariaDB, as TypeORM creates them from the entities, with a binary
 * collation: Stripe ids are case-sensitive, and the default collations compare them without case.
 */
export class StripeSyncInit1795759421504 implements MigrationInterface {
  name = 'StripeSyncInit1795759421504';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `stripe_subscription_items` (`id` varchar(255) NOT NULL, `subscription_id` varchar(255) NOT NULL, ' +
        '`price_id` varchar(255) NULL, `product_id` varchar(255) NULL, `quantity` int NULL, ' +
        '`current_period_start` datetime(3) NULL, `current_period_end` datetime(3) NULL, `created` datetime(3) NULL, ' +
        '`metadata` json NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, `observed_at` datetime(3) NOT NULL, ' +
        '`synced_at` datetime(3) NOT NULL, INDEX `IDX_65bc6af44e85ed5a42ecb1ea99` (`subscription_id`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_subscriptions` (`id` varchar(255) NOT NULL, `customer_id` varchar(255) NOT NULL, ' +
        '`status` varchar(32) NOT NULL, `currency` varchar(3) NULL, `collection_method` varchar(32) NULL, ' +
        '`cancel_at_period_end` tinyint NOT NULL DEFAULT 0, `cancel_at` datetime(3) NULL, `canceled_at` datetime(3) NULL, ' +
        '`ended_at` datetime(3) NULL, `start_date` datetime(3) NULL, `trial_start` datetime(3) NULL, ' +
        '`trial_end` datetime(3) NULL, `current_period_start` datetime(3) NULL, `current_period_end` datetime(3) NULL, ' +
        '`latest_invoice_id` varchar(255) NULL, `livemode` tinyint NOT NULL DEFAULT 0, `metadata` json NOT NULL, ' +
        '`created` datetime(3) NOT NULL, `raw` json NOT NULL, `deleted_at` datetime(3) NULL, ' +
        '`observed_at` datetime(3) NOT NULL, `synced_at` datetime(3) NOT NULL, ' +
        'INDEX `IDX_47bb24991985e608948820d9a6` (`customer_id`), INDEX `IDX_ca6b213e952e09262bc99889a2` (`status`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_sync_locks` (`name` varchar(64) NOT NULL, `owner` varchar(64) NOT NULL, ' +
        '`expires_at` datetime(3) NOT NULL, PRIMARY KEY (`name`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_sync_runs` (`id` varchar(36) NOT NULL, `object` varchar(64) NOT NULL, ' +
        '`status` varchar(16) NOT NULL, `started_at` datetime(3) NOT NULL, `finished_at` datetime(3) NULL, ' +
        "`seen` int NOT NULL DEFAULT '0', `inserted` int NOT NULL DEFAULT '0', `updated` int NOT NULL DEFAULT '0', " +
        "`restored` int NOT NULL DEFAULT '0', `soft_deleted` int NOT NULL DEFAULT '0', " +
        "`requests` int NOT NULL DEFAULT '0', `error` text NULL, " +
        'INDEX `IDX_3f1de666ef6ca3306888afdd04` (`object`, `status`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_sync_slices` (`id` varchar(36) NOT NULL, `run_id` varchar(36) NOT NULL, ' +
        '`created_gte` bigint NOT NULL, `created_lt` bigint NULL, `cursor` varchar(255) NULL, ' +
        "`cursor_created` bigint NULL, `done` tinyint NOT NULL DEFAULT 0, `objects` int NOT NULL DEFAULT '0', `inserted` int NOT NULL DEFAULT '0', " +
        "`updated` int NOT NULL DEFAULT '0', `restored` int NOT NULL DEFAULT '0', " +
        'INDEX `IDX_01471418cb6b7b75151d9ec51c` (`run_id`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_sync_state` (`key` varchar(64) NOT NULL, `value` varchar(255) NOT NULL, ' +
        '`updated_at` datetime(3) NOT NULL, PRIMARY KEY (`key`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
    await queryRunner.query(
      'CREATE TABLE `stripe_events` (`id` varchar(255) NOT NULL, `type` varchar(128) NOT NULL, ' +
        '`created` datetime(3) NOT NULL, `livemode` tinyint NOT NULL DEFAULT 0, `object_id` varchar(255) NULL, ' +
        '`status` varchar(16) NOT NULL, `outcome` varchar(16) NULL, `error` text NULL, `handler_error` text NULL, ' +
        "`attempts` int NOT NULL DEFAULT '1', `source` varchar(16) NOT NULL, `received_at` datetime(3) NOT NULL, " +
        '`claimed_at` datetime(3) NOT NULL, `processed_at` datetime(3) NULL, ' +
        'INDEX `IDX_245ea167606b38c1e06cf244a7` (`type`), INDEX `IDX_3e901680a36441581609c1e7f8` (`object_id`), ' +
        'INDEX `IDX_4d617ecf567f4e223f0ea8dbf1` (`status`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `stripe_events`');
    await queryRunner.query('DROP TABLE `stripe_sync_state`');
    await queryRunner.query('DROP TABLE `stripe_sync_slices`');
    await queryRunner.query('DROP TABLE `stripe_sync_runs`');
    await queryRunner.query('DROP TABLE `stripe_sync_locks`');
    await queryRunner.query('DROP TABLE `stripe_subscriptions`');
    await queryRunner.query('DROP TABLE `stripe_subscription_items`');
  }
}
