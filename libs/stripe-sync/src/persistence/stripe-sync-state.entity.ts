import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from './mirror.columns.js';

/** Small named values the module keeps between runs, such as the event catch-up cursor. */
@Entity('stripe_sync_state')
export class StripeSyncState {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  value: string;

  @TimestampColumn({ name: 'updated_at', nullable: false })
  updatedAt: Date;
}
