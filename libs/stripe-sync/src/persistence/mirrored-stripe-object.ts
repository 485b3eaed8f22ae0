import { PrimaryColumn } from 'typeorm';
import { JsonColumn, TimestampColumn } from './mirror.columns.js';
import type { MirrorEntity } from './mirror-entity.interface.js';

/** The columns every mirrored Stripe object has, whatever its kind; entities extend it. */
export abstract class MirroredStripeObject implements MirrorEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

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
