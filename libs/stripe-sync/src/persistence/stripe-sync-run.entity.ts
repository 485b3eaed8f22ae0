import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn, UnixTimeColumn } from './mirror.columns.js';

export type SyncRunStatus = 'running' | 'completed' | 'failed';

/** One full sync of one kind of object; an unfinished one (process died, or failed) is resumed by the next. */
@Entity('stripe_sync_runs')
@Index(['object', 'status'])
export class StripeSyncRun {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  object: string;

  @Column({ type: 'varchar', length: 16 })
  status: SyncRunStatus;

  @TimestampColumn({ name: 'started_at', nullable: false })
  startedAt: Date;

  @TimestampColumn({ name: 'finished_at' })
  finishedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  seen: number;

  @Column({ type: 'integer', default: 0 })
  inserted: number;

  @Column({ type: 'integer', default: 0 })
  updated: number;

  @Column({ type: 'integer', default: 0 })
  restored: number;

  @Column({ name: 'soft_deleted', type: 'integer', default: 0 })
  softDeleted: number;

  @Column({ type: 'integer', default: 0 })
  requests: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}

/**
 * A range of `created` times a run pages through on its own, newest first, and how far it got: slices are
 * paged in parallel, and a cursor saved with each page lets a resumed run go on where it stopped.
 */
@Entity('stripe_sync_slices')
export class StripeSyncSlice {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  /** Unix seconds, inclusive. */
  @UnixTimeColumn({ name: 'created_gte' })
  createdGte: number;

  /** Unix seconds, exclusive; null: no upper bound. */
  @UnixTimeColumn({ name: 'created_lt', nullable: true })
  createdLt: number | null;

  /** The last object written, to page on from (`starting_after`). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  cursor: string | null;

  /** `created` of the cursor object: what is left of the slice lies at or before it. */
  @UnixTimeColumn({ name: 'cursor_created', nullable: true })
  cursorCreated: number | null;

  @Column({ type: 'boolean', default: false })
  done: boolean;

  /** What the slice's pages wrote; the run's totals are the sums over its slices. */
  @Column({ type: 'integer', default: 0 })
  objects: number;

  @Column({ type: 'integer', default: 0 })
  inserted: number;

  @Column({ type: 'integer', default: 0 })
  updated: number;

  @Column({ type: 'integer', default: 0 })
  restored: number;
}
