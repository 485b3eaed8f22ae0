import { Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, TimestampColumn } from './mirror.columns.js';
import type { MirrorEntity } from './mirror-entity.interface.js';

/** The columns every mirrored Stripe object has, whatever its kind; entities extend it. */
export abstract class MirroredStripeObject implements MirrorEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  /** The connected account the object belongs to; null for the platform's own objects. */
  @Index()
  @IdColumn({ name: 'account_id', nullable: true })
  accountId: string | null;

  @JsonColumn()
  metadata: Record<string, string>;

  /** The object as Stripe sent it. */
  @JsonColumn()
  raw: Record<string, unknown>;

  @TimestampColumn({ name: 'deleted_at' })
  deletedAt: Date | null;

  /** When Stripe's data in this row was true: a write never replaces a row observed later. */
  @TimestampColumn({ name: 'observed_at', nullable: false })
  observedAt: Date;

  @TimestampColumn({ name: 'synced_at', nullable: false })
  syncedAt: Date;
}
