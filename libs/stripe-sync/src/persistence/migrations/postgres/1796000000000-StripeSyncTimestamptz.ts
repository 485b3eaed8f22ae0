import type { MigrationInterface, QueryRunner } from 'typeorm';
import { inSchema } from './in-schema.js';

/** Every timestamp column the first migration created, by table. */
const TIMESTAMP_COLUMNS: Record<string, string[]> = {
  stripe_subscription_items: ['current_period_start', 'current_period_end', 'created', 'deleted_at', 'observed_at', 'synced_at'],
  stripe_subscriptions: [
    'cancel_at',
    'canceled_at',
    'ended_at',
    'start_date',
    'trial_start',
    'trial_end',
    'current_period_start',
    'current_period_end',
    'created',
    'deleted_at',
    'observed_at',
    'synced_at',
  ],
  stripe_sync_locks: ['expires_at'],
  stripe_sync_runs: ['started_at', 'finished_at'],
  stripe_sync_state: ['updated_at'],
  stripe_events: ['created', 'received_at', 'claimed_at', 'processed_at'],
};

/**
 * Turns every timestamp column into `timestamp with time zone`. The values stored so far are the wall time of the
 * process that wrote them (`pg` writes a Date in the process's zone into `timestamp without time zone`): they are
 * read as times in `storedTimeZone`, the zone of the app's processes (their TZ), UTC unless
 * `stripeSyncMigrations('postgres', { storedTimeZone })` says otherwise.
 */
export class StripeSyncTimestamptz1796000000000 implements MigrationInterface {
  name = 'StripeSyncTimestamptz1796000000000';
  protected readonly storedTimeZone: string = 'UTC';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.convert(queryRunner, 'timestamp(3) with time zone');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.convert(queryRunner, 'timestamp(3) without time zone');
  }

  /** One ALTER per table, so that each table is rewritten once. `AT TIME ZONE` converts either way. */
  private async convert(queryRunner: QueryRunner, type: string): Promise<void> {
    const table = inSchema(queryRunner);
    const zone = `'${this.storedTimeZone.replace(/'/g, "''")}'`;
    for (const [name, columns] of Object.entries(TIMESTAMP_COLUMNS)) {
      const changes = columns.map((column) => `ALTER COLUMN "${column}" TYPE ${type} USING "${column}" AT TIME ZONE ${zone}`);
      await queryRunner.query(`ALTER TABLE ${table(name)} ${changes.join(', ')}`);
    }
  }
}
