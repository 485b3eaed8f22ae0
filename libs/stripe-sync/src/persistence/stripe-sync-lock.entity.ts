import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from './mirror.columns.js';

/**
 * A lease that lets one app instance at a time do a named job (a full sync): the holder renews it while it works;
 * a lease whose holder died expires and can be taken over.
 */
@Entity('stripe_sync_locks')
export class StripeSyncLock {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 64 })
  owner: string;

  @TimestampColumn({ name: 'expires_at', nullable: false })
  expiresAt: Date;
}
